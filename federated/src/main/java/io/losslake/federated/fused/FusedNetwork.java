package io.losslake.federated.fused;

/**
 * A network trained on the fused path: Java arrays and OpenBLAS products instead of DL4J's
 * operations, with DL4J's parameter layout, loss and update rules.
 */
public interface FusedNetwork {
    /**
     * The mean loss of a batch and its gradient (see {@link #gradient()}), without updating.
     *
     * @param x      batch x inputs, row-major
     * @param labels one label per row
     */
    double lossAndGradient(float[] x, int[] labels, int batch);

    /**
     * The logits (pre-softmax outputs) of a batch, batch x classes, row-major, in an array the
     * network reuses on its next call.
     */
    float[] logits(float[] x, int batch);

    /** One optimiser step on a batch; returns its mean loss before the step. */
    double step(float[] x, int[] labels, int batch);

    /** From the next step on, the optimiser's rate is its configured rate times {@code scale} (a schedule's factor). */
    void scaleLearningRate(double scale);

    /** w -= scale * direction, outside the optimiser; direction flat in DL4J's order. */
    void shift(float[] direction, float scale);

    /** A flat copy of the weights in DL4J's parameter order. */
    float[] weights();

    /** The last computed gradient of the mean loss (and terms), flat in DL4J's order. */
    float[] gradient();
}
