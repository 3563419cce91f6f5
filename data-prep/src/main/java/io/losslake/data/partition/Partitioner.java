package io.losslake.data.partition;

/**
 * Deals a dataset's examples out to simulated clients. Implementations validate their parameters
 * in the constructor and are a pure function of (input, seed): the same inputs always give the
 * same partition.
 */
public interface Partitioner {
    /** The scheme's name as users type it, e.g. {@code iid}. */
    String name();

    /**
     * Deals examples {@code 0..input.size()-1} to clients.
     *
     * @throws IllegalArgumentException when the data cannot be dealt this way (too few examples,
     *                                  a class too small); the message says which and why
     */
    Partition partition(PartitionInput input, long seed);
}
