package io.losslake.federated.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * FedLD's local loss (Zeng et al., "Tackling Data Heterogeneity in Federated Learning via Loss
 * Decomposition", MICCAI 2024): cross-entropy plus a margin-control term on the softmax output p,
 * <pre>
 *   per sample (the paper's intent):   L = mean_i [ CE(z_i, y_i) + lambda * log(1 + ||p_i||^2) ]
 *   per batch  (the reference code):   L = mean_i CE(z_i, y_i) + lambda * log(1 + ||P||_F^2)
 * </pre>
 * where P stacks the batch's softmax rows. ||p||^2 is largest (1) for a one-hot prediction and
 * smallest (1/K) for a uniform one, so the term discourages over-confident local models, which
 * FedLD argues shrinks the distribution-shift part of the loss. Gradients with respect to the
 * logits are analytic: with s_i = ||p_i||^2, d log(1 + s_i) / dz_ij = 2 p_ij (p_ij - s_i) / (1 + s_i).
 *
 * <p>DL4J convention: {@link #computeGradient} returns per-example gradients of the summed loss;
 * the network divides by the batch size. The batch form's term is not a sum over examples, so its
 * gradient is multiplied by the batch size here to come out right after that division.
 */
public final class MarginControlledCrossEntropy implements ILossFunction {
    private static final long serialVersionUID = 1L;

    private final double lambda;
    private final boolean perSample;

    public MarginControlledCrossEntropy(double lambda, boolean perSample) {
        this.lambda = lambda;
        this.perSample = perSample;
    }

    public double lambda() {
        return lambda;
    }

    public boolean perSample() {
        return perSample;
    }

    /** Per-example loss values and logit gradients, computed in double precision. */
    record Result(double[] scores, double[][] gradient) {
    }

    static Result evaluate(float[][] z, float[][] y, double lambda, boolean perSample) {
        int b = z.length;
        int k = b == 0 ? 0 : z[0].length;
        double[][] p = new double[b][k];
        double[] ce = new double[b];
        double[] s = new double[b];
        double total = 0;
        for (int i = 0; i < b; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, z[i][j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                p[i][j] = Math.exp(z[i][j] - max);
                sum += p[i][j];
            }
            double logSum = Math.log(sum) + max;
            for (int j = 0; j < k; j++) {
                p[i][j] /= sum;
                s[i] += p[i][j] * p[i][j];
                ce[i] -= y[i][j] * (z[i][j] - logSum);
            }
            total += s[i];
        }
        double[] scores = new double[b];
        double[][] grad = new double[b][k];
        for (int i = 0; i < b; i++) {
            double factor;
            if (perSample) {
                scores[i] = ce[i] + lambda * Math.log1p(s[i]);
                factor = lambda * 2 / (1 + s[i]);
            } else {
                scores[i] = ce[i] + lambda * Math.log1p(total);
                factor = b * lambda * 2 / (1 + total);
            }
            double ySum = 0;
            for (int j = 0; j < k; j++) {
                ySum += y[i][j];
            }
            for (int j = 0; j < k; j++) {
                grad[i][j] = p[i][j] * ySum - y[i][j] + factor * p[i][j] * (p[i][j] - s[i]);
            }
        }
        return new Result(scores, grad);
    }

    private Result evaluate(INDArray labels, INDArray preOutput, INDArray mask) {
        if (mask != null) {
            throw new UnsupportedOperationException("masks are not supported by the margin-controlled loss");
        }
        return evaluate(preOutput.toFloatMatrix(), labels.toFloatMatrix(), lambda, perSample);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double sum = 0;
        double[] scores = evaluate(labels, preOutput, mask).scores();
        for (double v : scores) {
            sum += v;
        }
        return average ? sum / scores.length : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[] scores = evaluate(labels, preOutput, mask).scores();
        return Nd4j.createFromArray(scores).castTo(preOutput.dataType()).reshape(scores.length, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return Nd4j.createFromArray(evaluate(labels, preOutput, mask).gradient()).castTo(preOutput.dataType());
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                                                          boolean average) {
        Result r = evaluate(labels, preOutput, mask);
        double sum = 0;
        for (double v : r.scores()) {
            sum += v;
        }
        return new Pair<>(average ? sum / r.scores().length : sum, Nd4j.createFromArray(r.gradient()).castTo(preOutput.dataType()));
    }

    @Override
    public String name() {
        return "MarginControlledCrossEntropy(lambda=" + lambda + ", " + (perSample ? "per sample" : "per batch") + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
