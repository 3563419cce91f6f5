package io.losslake.federated.objective;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A linear term {@code <v, w>} whose gradient is the constant {@code v}: the paper's form of
 * SCAFFOLD's drift correction (Karimireddy et al., 2020), v = c - c_i, which turns each local step
 * into w <- w - lr (g_i(w) - c_i + c). Scaffold applies the correction outside the optimiser
 * instead (ClientProgram.stepCorrection); this term is the reference its tests compare against.
 */
public final class LinearTerm implements GradientTerm {
    private static final long serialVersionUID = 1L;

    private final float[] direction;
    private transient INDArray directionArray;

    public LinearTerm(float[] direction) {
        this.direction = direction;
    }

    @Override
    public void addGradient(INDArray params, INDArray gradientSum, int batchSize) {
        if (directionArray == null) {
            directionArray = Nd4j.createFromArray(direction);
        }
        gradientSum.addi(directionArray.reshape(gradientSum.shape()).mul(batchSize));
    }

    @Override
    public void addMeanGradient(float[] params, float[] gradientMean) {
        for (int i = 0; i < params.length; i++) {
            gradientMean[i] += direction[i];
        }
    }

    @Override
    public double value(float[] params) {
        double sum = 0;
        for (int i = 0; i < params.length; i++) {
            sum += (double) direction[i] * params[i];
        }
        return sum;
    }
}
