package io.losslake.federated.strategy;

import java.util.List;
import java.util.Locale;

/** Looks strategies up by the names users type. */
public final class Strategies {
    public static final List<String> NAMES = List.of(FedAvg.NAME);

    private Strategies() {
    }

    public static AggregationStrategy byName(String name) {
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return switch (key) {
            case FedAvg.NAME -> new FedAvg();
            default -> throw new IllegalArgumentException("Invalid --strategy '" + name + "': expected one of "
                    + String.join(", ", NAMES) + ".");
        };
    }
}
