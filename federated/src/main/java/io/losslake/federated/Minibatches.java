package io.losslake.federated;

import io.losslake.data.ClientData;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cuts DL4J minibatches out of a client's examples: rows are copied into two reusable float
 * buffers (features, one-hot labels) and handed to ND4J in one bulk copy each.
 */
public final class Minibatches {
    private final ClientData data;
    private final int features;
    private final int classes;
    private final int batch;
    private final float[] x;
    private final float[] y;

    public Minibatches(ClientData data, int batchSize) {
        this.data = data;
        this.features = data.featureSize();
        this.classes = data.numClasses();
        this.batch = Math.max(1, Math.min(batchSize, data.size()));
        this.x = new float[batch * features];
        this.y = new float[batch * classes];
    }

    /** Examples per full batch. */
    public int batchSize() {
        return batch;
    }

    /** The minibatch of examples {@code order[from .. from + size)}, {@code size <= batchSize()}. */
    public DataSet cut(int[] order, int from, int size) {
        Arrays.fill(y, 0, size * classes, 0f);
        for (int r = 0; r < size; r++) {
            int example = order[from + r];
            data.copyFeatures(example, x, r * features);
            y[r * classes + data.label(example)] = 1f;
        }
        INDArray xs = Nd4j.create(size == batch ? x : Arrays.copyOf(x, size * features), new long[] {size, features}, 'c');
        INDArray ys = Nd4j.create(size == batch ? y : Arrays.copyOf(y, size * classes), new long[] {size, classes}, 'c');
        return new DataSet(xs, ys);
    }
}
