package io.losslake.data.partition;

import io.losslake.common.Catalog;
import io.losslake.common.Values;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A partition scheme by name with its parameters, as users give them (flags or config keys). The
 * schemes are every {@link SchemeDescriptor} in this package; only the parameters the scheme takes
 * may be set, and {@link #partitioner()} validates and builds it.
 *
 * @param scheme     a scheme's name, e.g. dirichlet
 * @param clients    number of clients (not for schemes whose data decides it, e.g. natural)
 * @param parameters the scheme's parameters as given, by option name (alpha, min-size, ...)
 */
public record PartitionSpec(String scheme, Integer clients, Map<String, String> parameters) {
    private static final Catalog<SchemeDescriptor> CATALOG = Catalog.of(SchemeDescriptor.class);
    /** Every scheme name, in listing order. */
    public static final List<String> SCHEMES = CATALOG.names();

    public PartitionSpec {
        scheme = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        parameters = new TreeMap<>(parameters == null ? Map.of() : parameters);
    }

    public static Catalog<SchemeDescriptor> catalog() {
        return CATALOG;
    }

    /** Builds the partitioner, failing with one sentence on an unknown scheme or a bad or misplaced parameter. */
    public Partitioner partitioner() {
        SchemeDescriptor d = CATALOG.byName(scheme);
        Values values = Values.of(d, parameters);
        if (!d.takesClients() && clients != null) {
            throw new IllegalArgumentException("--clients does not apply to the " + scheme + " scheme: " + d.clientsFromData() + ".");
        }
        if (d.takesClients() && clients == null) {
            throw new IllegalArgumentException("The " + scheme + " scheme needs --clients.");
        }
        return d.create(clients, values);
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
}
