package io.losslake.federated.objective;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FedProx's proximal term (Li et al., 2020): (mu / 2) ||w - w_global||^2, gradient mu (w - w_global).
 * It keeps local models near the round's global model when clients' data differ.
 */
public final class ProximalTerm implements GradientTerm {
    private static final long serialVersionUID = 1L;

    private final float[] anchor;
    private final double mu;
    private transient INDArray anchorArray;

    public ProximalTerm(float[] anchor, double mu) {
        this.anchor = anchor;
        this.mu = mu;
    }

    @Override
    public void addGradient(INDArray params, INDArray gradientSum, int batchSize) {
        if (anchorArray == null) {
            anchorArray = Nd4j.createFromArray(anchor);
        }
        // gradientSum += batchSize * mu * (params - anchor); DL4J's flat gradient is rank 1, its params [1, n]
        long[] shape = gradientSum.shape();
        gradientSum.addi(params.reshape(shape).sub(anchorArray.reshape(shape)).muli(batchSize * mu));
    }

    @Override
    public void addMeanGradient(float[] params, float[] gradientMean) {
        float m = (float) mu;
        for (int i = 0; i < params.length; i++) {
            gradientMean[i] += m * (params[i] - anchor[i]);
        }
    }

    @Override
    public double value(float[] params) {
        double sum = 0;
        for (int i = 0; i < params.length; i++) {
            double d = params[i] - anchor[i];
            sum += d * d;
        }
        return mu / 2 * sum;
    }
}
