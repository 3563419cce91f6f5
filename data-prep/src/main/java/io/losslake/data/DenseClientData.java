package io.losslake.data;

import java.util.Arrays;

/**
 * A client's examples in one contiguous row-major float array ({@code size x featureSize}), the
 * layout a minibatch is cut from with one {@code System.arraycopy} per row.
 *
 * @param clientId   the client
 * @param exampleIds ids of its examples in the lake, ascending
 * @param features   {@code exampleIds.length * featureSize} values, row-major
 * @param labels     one label per example
 * @param shape      feature shape, e.g. [28, 28]
 * @param numClasses number of classes
 */
public record DenseClientData(int clientId, long[] exampleIds, float[] features, int[] labels, int[] shape, int numClasses)
        implements ClientData, java.io.Serializable {

    public DenseClientData {
        int d = 1;
        for (int s : shape) {
            d *= s;
        }
        if (labels.length != exampleIds.length || (long) labels.length * d != features.length) {
            throw new IllegalArgumentException("client " + clientId + ": " + labels.length + " labels, " + exampleIds.length
                    + " ids and " + features.length + " feature values do not describe examples of shape " + Arrays.toString(shape));
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int featureSize() {
        int d = 1;
        for (int s : shape) {
            d *= s;
        }
        return d;
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    @Override
    public void copyFeatures(int i, float[] dst, int offset) {
        int d = featureSize();
        System.arraycopy(features, i * d, dst, offset, d);
    }
}
