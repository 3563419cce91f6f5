package io.losslake.data.partition;

/**
 * Deals a dataset's examples out to simulated clients. Implementations validate their parameters
 * in the constructor and are a pure function of (labels, seed): the same inputs always give the
 * same partition.
 */
public interface Partitioner {
    /** The scheme's name as users type it, e.g. {@code iid}. */
    String name();

    /** The number of clients this partitioner deals to. */
    int numClients();

    /**
     * Deals examples {@code 0..labels.length-1} to {@link #numClients()} clients.
     *
     * @param labels     label of each example, in {@code [0, numClasses)}
     * @param numClasses number of classes
     * @param seed       the seed of every random choice made
     * @throws IllegalArgumentException when the data cannot be dealt this way (too few examples)
     */
    Partition partition(int[] labels, int numClasses, long seed);
}
