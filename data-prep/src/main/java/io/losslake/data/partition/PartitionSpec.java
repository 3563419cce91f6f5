package io.losslake.data.partition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A partition scheme by name with its parameters, as users give them (flags or config keys). Only
 * the parameters the scheme uses may be set; {@link #partitioner()} validates and builds it.
 *
 * @param scheme     iid, dirichlet, shards, quantity, feature-shift or natural
 * @param clients    number of clients (not for natural, where the groups decide)
 * @param parameters the scheme's parameters by option name: alpha, min-size, self-balancing,
 *                   classes-per-client, law, exponent, noise, rotation, brightness
 */
public record PartitionSpec(String scheme, Integer clients, Map<String, String> parameters) {
    public static final List<String> SCHEMES = List.of(IidPartitioner.NAME, DirichletPartitioner.NAME, ShardPartitioner.NAME,
            QuantitySkewPartitioner.NAME, FeatureShiftPartitioner.NAME, NaturalPartitioner.NAME);

    private static final Map<String, List<String>> ALLOWED = Map.of(
            IidPartitioner.NAME, List.of(),
            DirichletPartitioner.NAME, List.of("alpha", "min-size", "self-balancing"),
            ShardPartitioner.NAME, List.of("classes-per-client"),
            QuantitySkewPartitioner.NAME, List.of("law", "alpha", "exponent", "min-size"),
            FeatureShiftPartitioner.NAME, List.of("noise", "rotation", "brightness"),
            NaturalPartitioner.NAME, List.of());

    public PartitionSpec {
        scheme = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        parameters = new TreeMap<>(parameters == null ? Map.of() : parameters);
    }

    /** Builds the partitioner, failing with one sentence on an unknown scheme or a bad or misplaced parameter. */
    public Partitioner partitioner() {
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("Invalid --scheme '" + scheme + "': expected one of " + String.join(", ", SCHEMES) + ".");
        }
        for (String key : parameters.keySet()) {
            if (!ALLOWED.get(scheme).contains(key)) {
                throw new IllegalArgumentException("--" + key + " does not apply to the " + scheme + " scheme"
                        + (ALLOWED.get(scheme).isEmpty() ? ", which takes no parameters." : "; it takes " + flags(ALLOWED.get(scheme)) + "."));
            }
        }
        if (scheme.equals(NaturalPartitioner.NAME)) {
            if (clients != null) {
                throw new IllegalArgumentException("--clients does not apply to the natural scheme: each group is one client.");
            }
            return new NaturalPartitioner();
        }
        if (clients == null) {
            throw new IllegalArgumentException("The " + scheme + " scheme needs --clients.");
        }
        return switch (scheme) {
            case IidPartitioner.NAME -> new IidPartitioner(clients);
            case DirichletPartitioner.NAME -> new DirichletPartitioner(clients, number("alpha", null),
                    integer("min-size", 10), bool("self-balancing", true));
            case ShardPartitioner.NAME -> new ShardPartitioner(clients, integer("classes-per-client", 2));
            case QuantitySkewPartitioner.NAME -> quantity();
            case FeatureShiftPartitioner.NAME -> new FeatureShiftPartitioner(clients, number("noise", 0.0),
                    number("rotation", 0.0), number("brightness", 0.0));
            default -> throw new IllegalStateException(scheme);
        };
    }

    private Partitioner quantity() {
        String law = parameters.getOrDefault("law", "dirichlet").toLowerCase(Locale.ROOT);
        switch (law) {
            case "dirichlet" -> {
                if (parameters.containsKey("exponent")) {
                    throw new IllegalArgumentException("--exponent applies to --law power, not dirichlet.");
                }
                return new QuantitySkewPartitioner(clients, QuantitySkewPartitioner.Law.DIRICHLET, number("alpha", null), integer("min-size", 1));
            }
            case "power" -> {
                if (parameters.containsKey("alpha")) {
                    throw new IllegalArgumentException("--alpha applies to --law dirichlet, not power.");
                }
                return new QuantitySkewPartitioner(clients, QuantitySkewPartitioner.Law.POWER, number("exponent", null), integer("min-size", 1));
            }
            default -> throw new IllegalArgumentException("Invalid --law '" + law + "': expected dirichlet or power.");
        }
    }

    /** A readable default plan name, e.g. {@code dirichlet-alpha0.1-c100-seed42}. */
    public String defaultPlanName(long seed) {
        StringBuilder name = new StringBuilder(scheme);
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            name.append('-').append(e.getKey().replace("-", "")).append(e.getValue());
        }
        if (clients != null) {
            name.append("-c").append(clients);
        }
        return name.append("-seed").append(seed).toString();
    }

    /** The scheme and parameters as a flat map, for the lake. */
    public Map<String, String> asMap() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("scheme", scheme);
        if (clients != null) {
            all.put("clients", clients.toString());
        }
        all.putAll(parameters);
        return all;
    }

    private double number(String key, Double fallback) {
        String text = parameters.get(key);
        if (text == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("The " + scheme + " scheme needs --" + key + ".");
            }
            return fallback;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid --" + key + " '" + text + "': expected a number.");
        }
    }

    private int integer(String key, int fallback) {
        String text = parameters.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid --" + key + " '" + text + "': expected a whole number.");
        }
    }

    private boolean bool(String key, boolean fallback) {
        String text = parameters.get(key);
        if (text == null) {
            return fallback;
        }
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("Invalid --" + key + " '" + text + "': expected true or false.");
        }
        return Boolean.parseBoolean(text);
    }

    private static String flags(List<String> keys) {
        return String.join(", ", keys.stream().map(k -> "--" + k).toList());
    }
}
