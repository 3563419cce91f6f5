package io.losslake.federated.distill;

import io.losslake.data.ClientData;
import io.losslake.data.DenseClientData;

/**
 * A client's condensed data: a few synthetic examples per class, in the same feature space as the
 * data they were distilled from (pixels may leave the real range: distillation is free to).
 *
 * @param clientId   the client they condense
 * @param features   {@code labels.length * side * side} values, row-major
 * @param labels     one class per example, grouped by class in ascending order
 * @param side       image side
 * @param numClasses classes of the task (some may have no example)
 * @param finalLoss  the distillation objective at the last iteration (NaN where there is none)
 * @param learningRate the rate a network should train on the set with (trajectory matching learns
 *                   one), NaN when the method has none
 */
public record SyntheticSet(int clientId, float[] features, int[] labels, int side, int numClasses, double finalLoss, double learningRate)
        implements java.io.Serializable {

    public SyntheticSet(int clientId, float[] features, int[] labels, int side, int numClasses, double finalLoss) {
        this(clientId, features, labels, side, numClasses, finalLoss, Double.NaN);
    }

    public int size() {
        return labels.length;
    }

    /** As training data for a network. */
    public ClientData asData() {
        long[] ids = new long[labels.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        return new DenseClientData(clientId, ids, features, labels, new int[] {side, side}, numClasses);
    }

    /** Examples of class {@code c}. */
    public int count(int c) {
        int n = 0;
        for (int label : labels) {
            n += label == c ? 1 : 0;
        }
        return n;
    }

    /** The union of several sets (the one-shot server's training set), in the order given. */
    public static SyntheticSet union(int clientId, java.util.List<SyntheticSet> sets) {
        int n = 0;
        for (SyntheticSet s : sets) {
            n += s.size();
        }
        SyntheticSet first = sets.get(0);
        int pixels = first.side * first.side;
        float[] x = new float[n * pixels];
        int[] y = new int[n];
        int at = 0;
        for (SyntheticSet s : sets) {
            System.arraycopy(s.features, 0, x, at * pixels, s.features.length);
            System.arraycopy(s.labels, 0, y, at, s.labels.length);
            at += s.size();
        }
        return new SyntheticSet(clientId, x, y, first.side, first.numClasses, Double.NaN);
    }
}
