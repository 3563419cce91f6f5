package io.losslake.federated.fused;

/**
 * What every fused network does the same way around its own forward and backward pass: the
 * objective's gradient terms, the optimiser step, shifts, and flat copies of weights and gradients.
 */
abstract class FusedBase implements FusedNetwork {
    /** The network's parameter blocks. */
    abstract Parameters params();

    /** The mean data loss of a batch, with its gradient written into {@code params().grad}. */
    abstract double dataLossAndGradient(float[] x, int[] labels, int batch);

    @Override
    public final double lossAndGradient(float[] x, int[] labels, int batch) {
        double value = dataLossAndGradient(x, labels, batch);
        params().addTerms();
        return value;
    }

    @Override
    public final double step(float[] x, int[] labels, int batch) {
        double value = lossAndGradient(x, labels, batch);
        params().step();
        return value;
    }

    @Override
    public final void scaleLearningRate(double scale) {
        params().scaleRate(scale);
    }

    @Override
    public final void shift(float[] direction, float scale) {
        params().shift(direction, scale);
    }

    @Override
    public final float[] weights() {
        return params().flatValues();
    }

    @Override
    public final float[] gradient() {
        return params().flatGradient();
    }
}
