package io.losslake.federated.strategy;

import io.losslake.federated.ParamLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Looks strategies up by the names users type, with their options validated before any job starts.
 * Each option is named as its command-line flag without the dashes.
 */
public final class Strategies {
    public static final List<String> NAMES = List.of(FedAvg.NAME, FedProx.NAME, FedAvgM.NAME, "fedadagrad", "fedyogi", "fedadam",
            FedMedian.NAME, FedTrimmedAvg.NAME, Scaffold.NAME, FedLD.NAME);

    /** Each strategy's options and their defaults. */
    private static final Map<String, Map<String, String>> OPTIONS = Map.of(
            FedAvg.NAME, Map.of(),
            FedProx.NAME, Map.of("mu", "0.01"),
            FedAvgM.NAME, Map.of("server-lr", "1.0", "server-momentum", "0.9"),
            "fedadagrad", Map.of("server-lr", "0.1", "tau", "0.001"),
            "fedyogi", Map.of("server-lr", "0.01", "beta1", "0.9", "beta2", "0.99", "tau", "0.001"),
            "fedadam", Map.of("server-lr", "0.1", "beta1", "0.9", "beta2", "0.99", "tau", "0.001"),
            FedMedian.NAME, Map.of(),
            FedTrimmedAvg.NAME, Map.of("trim", "0.2"),
            Scaffold.NAME, Map.of("server-lr", "1.0"),
            FedLD.NAME, Map.of("margin-lambda", "0.1", "margin-norm", "sample", "k-proportion", "0.8"));

    private Strategies() {
    }

    /** What a strategy needs to know about the run. */
    public record Context(int totalClients, ParamLayout layout) {
    }

    /** A strategy by name with no options (its defaults). */
    public static AggregationStrategy byName(String name) {
        return create(name, Map.of(), null);
    }

    /** Checks a name and options without building anything run-specific. */
    public static void validate(String name, Map<String, String> options) {
        create(name, options, new Context(1, null));
    }

    /** The options a strategy takes, with their defaults. */
    public static Map<String, String> optionsOf(String name) {
        return OPTIONS.get(normalise(name));
    }

    /**
     * Builds a strategy. Options not used by the strategy are an error; missing ones take their
     * defaults.
     */
    public static AggregationStrategy create(String name, Map<String, String> options, Context context) {
        String key = normalise(name);
        if (!OPTIONS.containsKey(key)) {
            throw new IllegalArgumentException("Invalid --strategy '" + name + "': expected one of " + String.join(", ", NAMES) + ".");
        }
        Map<String, String> allowed = OPTIONS.get(key);
        for (String option : options.keySet()) {
            if (!allowed.containsKey(option)) {
                throw new IllegalArgumentException("--" + option + " does not apply to the " + key + " strategy"
                        + (allowed.isEmpty() ? ", which takes no options." : "; it takes " + flags(allowed) + "."));
            }
        }
        Map<String, String> values = new TreeMap<>(allowed);
        values.putAll(options);
        return switch (key) {
            case FedAvg.NAME -> new FedAvg();
            case FedProx.NAME -> new FedProx(number(values, "mu"));
            case FedAvgM.NAME -> new FedAvgM(number(values, "server-lr"), number(values, "server-momentum"));
            case "fedadagrad" -> new FedOpt(FedOpt.Variant.ADAGRAD, number(values, "server-lr"), 0, 0, number(values, "tau"));
            case "fedyogi" -> new FedOpt(FedOpt.Variant.YOGI, number(values, "server-lr"), number(values, "beta1"), number(values, "beta2"),
                    number(values, "tau"));
            case "fedadam" -> new FedOpt(FedOpt.Variant.ADAM, number(values, "server-lr"), number(values, "beta1"), number(values, "beta2"),
                    number(values, "tau"));
            case FedMedian.NAME -> new FedMedian();
            case FedTrimmedAvg.NAME -> new FedTrimmedAvg(number(values, "trim"));
            case Scaffold.NAME -> new Scaffold(number(values, "server-lr"), context == null ? 1 : context.totalClients());
            case FedLD.NAME -> new FedLD(context == null ? null : context.layout(), number(values, "k-proportion"),
                    number(values, "margin-lambda"), io.losslake.federated.model.LossSpec.perSample(values.get("margin-norm")));
            default -> throw new IllegalStateException(key);
        };
    }

    private static String normalise(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT);
    }

    private static double number(Map<String, String> values, String key) {
        try {
            return Double.parseDouble(values.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid --" + key + " '" + values.get(key) + "': expected a number.");
        }
    }

    private static String flags(Map<String, String> options) {
        Map<String, String> sorted = new LinkedHashMap<>(new TreeMap<>(options));
        return String.join(", ", sorted.keySet().stream().map(k -> "--" + k).toList());
    }
}
