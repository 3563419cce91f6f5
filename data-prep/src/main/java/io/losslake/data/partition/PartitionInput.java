package io.losslake.data.partition;

import java.util.Objects;

/**
 * What a partitioner sees of a dataset's training split: per example its label and, for the
 * natural scheme, its group (e.g. writer id).
 *
 * @param labels     label of each example, in {@code [0, numClasses)}
 * @param numClasses number of classes
 * @param groups     group of each example, or null when the dataset has none
 */
public record PartitionInput(int[] labels, int numClasses, String[] groups) {
    public PartitionInput {
        Objects.requireNonNull(labels, "labels");
        if (groups != null && groups.length != labels.length) {
            throw new IllegalArgumentException("one group per example expected: " + groups.length + " groups for " + labels.length + " labels");
        }
    }

    public PartitionInput(int[] labels, int numClasses) {
        this(labels, numClasses, null);
    }

    public int size() {
        return labels.length;
    }

    /** Example indices per class, each ascending. */
    public int[][] byClass() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        int[][] out = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            out[c] = new int[counts[c]];
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            out[labels[i]][fill[labels[i]]++] = i;
        }
        return out;
    }
}
