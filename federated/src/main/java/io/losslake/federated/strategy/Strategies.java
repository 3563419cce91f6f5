package io.losslake.federated.strategy;

import io.losslake.common.Catalog;
import io.losslake.common.Values;
import io.losslake.federated.ParamLayout;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The strategies users choose by name: every {@link StrategyDescriptor} in this package, with their
 * options checked before any job starts. Options are named as their command-line flags without
 * the dashes.
 */
public final class Strategies {
    private static final Catalog<StrategyDescriptor> CATALOG = Catalog.of(StrategyDescriptor.class);
    /** Every strategy name, in listing order (FedAvg first, then its family, robust means, SCAFFOLD, FedLD). */
    public static final List<String> NAMES = CATALOG.names();

    private Strategies() {
    }

    /**
     * What a strategy needs to know about the run.
     *
     * @param totalClients clients holding data (SCAFFOLD's N)
     * @param layout       where each parameter tensor lives in the flat weights (FedLD aggregates per tensor)
     */
    public record Context(int totalClients, ParamLayout layout) {
        public Context {
            Objects.requireNonNull(layout, "a strategy's context needs the model's parameter layout");
        }

        /** One client and a one-parameter model: enough to check options before a run exists. */
        static Context forValidation() {
            return new Context(1, new ParamLayout(List.of(new ParamLayout.Tensor("0_W", 0, 0, 1))));
        }
    }

    public static Catalog<StrategyDescriptor> catalog() {
        return CATALOG;
    }

    /** The descriptor of {@code name}, case-insensitive; one sentence listing the choices otherwise. */
    public static StrategyDescriptor descriptor(String name) {
        return CATALOG.byName(name);
    }

    /** Checks a name and options without building anything run-specific. */
    public static void validate(String name, Map<String, String> options) {
        create(name, options, Context.forValidation());
    }

    /** Each option the strategy takes with its effective value: the given ones over the defaults. */
    public static Map<String, String> optionsOf(String name, Map<String, String> given) {
        StrategyDescriptor d = descriptor(name);
        return Values.of(d, given).effective();
    }

    /**
     * Builds a strategy. Options not used by the strategy are an error; missing ones take their
     * defaults.
     */
    public static AggregationStrategy create(String name, Map<String, String> options, Context context) {
        StrategyDescriptor d = descriptor(name);
        return d.create(Values.of(d, options), context);
    }
}
