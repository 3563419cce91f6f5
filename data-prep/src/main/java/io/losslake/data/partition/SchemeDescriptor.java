package io.losslake.data.partition;

import io.losslake.common.Descriptor;
import io.losslake.common.Values;

/**
 * A partition scheme as users choose it: its name, help line, parameters and factory, declared in
 * the partitioner's own file (as a nested {@code Descriptor} class). {@link PartitionSpec} finds
 * every one in this package, and the command line and help texts are generated from them.
 */
public interface SchemeDescriptor extends Descriptor {
    Kind KIND = new Kind("--scheme", "scheme", "parameters");

    /** Whether the scheme deals to a given number of clients ({@code --clients}); see {@link #clientsFromData()}. */
    default boolean takesClients() {
        return clientsFromData() == null;
    }

    /** How the data decides the clients when the scheme takes no {@code --clients} (e.g. "each group is one client"), else null. */
    default String clientsFromData() {
        return null;
    }

    /**
     * The partitioner with {@code values} (already checked against {@link #params()}).
     *
     * @param clients {@code --clients}, non-null exactly when {@link #takesClients()}
     * @throws IllegalArgumentException one sentence naming a bad parameter
     */
    Partitioner create(Integer clients, Values values);

    @Override
    default Kind kind() {
        return KIND;
    }
}
