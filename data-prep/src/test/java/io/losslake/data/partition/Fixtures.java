package io.losslake.data.partition;

/** Label arrays for partitioner tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** {@code n} examples, labels 0,1,...,classes-1 repeating: balanced classes, like Fashion-MNIST. */
    static PartitionInput balanced(int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        return new PartitionInput(labels, classes);
    }

    /** Labels sorted by class (all 0s, then all 1s, ...), the worst case for order-sensitive code. */
    static PartitionInput sorted(int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (int) ((long) i * classes / n);
        }
        return new PartitionInput(labels, classes);
    }

    static PartitionStats.Summary summary(Partition p, PartitionInput input) {
        return PartitionStats.summary(PartitionStats.clients(p, input.labels(), input.numClasses()), input.labels(), input.numClasses());
    }
}
