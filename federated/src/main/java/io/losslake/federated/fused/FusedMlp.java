package io.losslake.federated.fused;

import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.MlpSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.GradientTerm;
import java.util.List;

/**
 * Training of an MLP (ReLU hidden layers, softmax output) without DL4J's per-operation machinery:
 * activations, gradients and optimiser state are Java arrays, the three matrix products per layer go
 * to OpenBLAS, everything elementwise is a plain loop. The parameter vector has DL4J's layout (per
 * layer W, stored column-major [in, out], then b), the loss is DL4J's mean over the batch, and the
 * optimisers follow DL4J's update rules (Sgd; Nesterovs: v = mu v - lr g, w += -mu v_prev +
 * (1 + mu) v; Adam with DL4J's bias-corrected step size and epsilon 1e-8 outside the square root),
 * so weights move interchangeably with a DL4J network (tests check gradients to 1e-6 relative).
 */
public final class FusedMlp {
    private static final double ADAM_BETA1 = 0.9;
    private static final double ADAM_BETA2 = 0.999;
    private static final double ADAM_EPSILON = 1e-8;

    private final int[] sizes;
    private final int[] wOffset;
    private final int[] bOffset;
    private final int total;
    /** Per layer, W as row-major [out, in] (DL4J's column-major [in, out] block as is) followed by b: one array per layer. */
    private final float[][] layer;
    private final float[][] layerGrad;
    private final float[][] m;
    private final float[][] v;
    private final OptimizerSpec optimizer;
    private final LossSpec loss;
    private final List<GradientTerm> terms;
    private final float[] flatParams;
    private final float[] flatGrad;
    private int capacity;
    private float[][] act;
    private float[][] delta;
    private double[] rowSquares;
    private long iteration;
    private double lastLoss;

    public FusedMlp(MlpSpec spec, float[] weights, OptimizerSpec optimizer, LossSpec loss, List<GradientTerm> terms) {
        int layers = spec.hidden().length + 1;
        sizes = new int[layers + 1];
        sizes[0] = spec.inputs();
        System.arraycopy(spec.hidden(), 0, sizes, 1, spec.hidden().length);
        sizes[layers] = spec.outputs();
        wOffset = new int[layers];
        bOffset = new int[layers];
        layer = new float[layers][];
        layerGrad = new float[layers][];
        int offset = 0;
        for (int l = 0; l < layers; l++) {
            wOffset[l] = offset;
            int size = sizes[l] * sizes[l + 1] + sizes[l + 1];
            bOffset[l] = offset + sizes[l] * sizes[l + 1];
            layerGrad[l] = new float[size];
            offset += size;
        }
        if (offset != weights.length) {
            throw new IllegalArgumentException(spec.describe() + " has " + offset + " parameters, got " + weights.length);
        }
        total = offset;
        for (int l = 0; l < layers; l++) {
            layer[l] = java.util.Arrays.copyOfRange(weights, wOffset[l], wOffset[l] + layerGrad[l].length);
        }
        this.optimizer = optimizer;
        this.loss = loss;
        this.terms = List.copyOf(terms);
        this.m = optimizer.name().equals("sgd") ? null : zerosLike(layer);
        this.v = optimizer.name().equals("adam") ? zerosLike(layer) : null;
        this.flatParams = terms.isEmpty() ? null : new float[total];
        this.flatGrad = terms.isEmpty() ? null : new float[total];
    }

    private static float[][] zerosLike(float[][] arrays) {
        float[][] out = new float[arrays.length][];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = new float[arrays[i].length];
        }
        return out;
    }

    /** Whether this path trains {@code spec}. */
    public static boolean supports(Object spec) {
        return spec instanceof MlpSpec;
    }

    /** A flat copy of the weights in DL4J's parameter order. */
    public float[] weights() {
        float[] out = new float[total];
        for (int l = 0; l < layer.length; l++) {
            System.arraycopy(layer[l], 0, out, wOffset[l], layer[l].length);
        }
        return out;
    }

    /** The last computed gradient of the mean loss (and terms), flat in DL4J's order. */
    public float[] gradient() {
        float[] out = new float[total];
        for (int l = 0; l < layer.length; l++) {
            System.arraycopy(layerGrad[l], 0, out, wOffset[l], layerGrad[l].length);
        }
        return out;
    }

    /** The mean loss of the last step's batch (DL4J's score). */
    public double lastLoss() {
        return lastLoss;
    }

    private void ensure(int batch) {
        if (batch <= capacity) {
            return;
        }
        capacity = batch;
        act = new float[sizes.length][];
        delta = new float[sizes.length][];
        for (int l = 0; l < sizes.length; l++) {
            act[l] = new float[batch * sizes[l]];
            delta[l] = new float[batch * sizes[l]];
        }
        rowSquares = new double[batch];
    }

    /**
     * The mean loss and its gradient (see {@link #gradient()}) for a batch, without updating.
     *
     * @param x      batch x inputs, row-major
     * @param labels one label per row
     */
    public double lossAndGradient(float[] x, int[] labels, int batch) {
        ensure(batch);
        int layers = sizes.length - 1;
        System.arraycopy(x, 0, act[0], 0, batch * sizes[0]);
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            float[] z = act[l + 1];
            float[] w = layer[l];
            int bias = in * out;
            for (int r = 0; r < batch; r++) {
                System.arraycopy(w, bias, z, r * out, out);
            }
            // z = a W + b with W stored as row-major Wt [out, in]
            Blas.gemm(false, true, batch, out, in, 1f, act[l], in, w, in, 1f, z, out);
            if (l < layers - 1) {
                for (int i = 0; i < batch * out; i++) {
                    if (z[i] < 0) {
                        z[i] = 0;
                    }
                }
            }
        }
        double value = outputGradient(labels, batch);
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            float[] d = delta[l + 1];
            float[] g = layerGrad[l];
            // dWt (out x in) = d^T a, into the front of the layer's gradient; db = column sums of d
            Blas.gemm(true, false, out, in, batch, 1f, d, out, act[l], in, 0f, g, in);
            int bias = in * out;
            java.util.Arrays.fill(g, bias, bias + out, 0f);
            for (int r = 0; r < batch; r++) {
                int row = r * out;
                for (int j = 0; j < out; j++) {
                    g[bias + j] += d[row + j];
                }
            }
            if (l > 0) {
                float[] below = delta[l];
                // d_below = d Wt, then the ReLU mask
                Blas.gemm(false, false, batch, in, out, 1f, d, out, layer[l], in, 0f, below, in);
                float[] a = act[l];
                for (int i = 0; i < batch * in; i++) {
                    if (a[i] <= 0) {
                        below[i] = 0;
                    }
                }
            }
        }
        if (!terms.isEmpty()) {
            for (int l = 0; l < layers; l++) {
                System.arraycopy(layer[l], 0, flatParams, wOffset[l], layer[l].length);
                System.arraycopy(layerGrad[l], 0, flatGrad, wOffset[l], layerGrad[l].length);
            }
            for (GradientTerm term : terms) {
                term.addMeanGradient(flatParams, flatGrad);
            }
            for (int l = 0; l < layers; l++) {
                System.arraycopy(flatGrad, wOffset[l], layerGrad[l], 0, layerGrad[l].length);
            }
        }
        lastLoss = value;
        return value;
    }

    /** Softmax cross-entropy (plus FedLD's margin term) at the top: the mean loss, and d(mean loss)/dz into delta. */
    private double outputGradient(int[] labels, int batch) {
        int top = sizes.length - 1;
        int k = sizes[top];
        float[] z = act[top];
        float[] d = delta[top];
        double[] s = rowSquares;
        double total = 0;
        double frobenius = 0;
        for (int r = 0; r < batch; r++) {
            int base = r * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, z[base + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z[base + j] - max);
            }
            double logSum = Math.log(sum) + max;
            total += logSum - z[base + labels[r]];
            s[r] = 0;
            for (int j = 0; j < k; j++) {
                double p = Math.exp(z[base + j] - logSum);
                d[base + j] = (float) p; // probabilities for now
                s[r] += p * p;
            }
            frobenius += s[r];
        }
        double lambda = loss.marginLambda();
        if (lambda > 0) {
            if (loss.perSample()) {
                for (int r = 0; r < batch; r++) {
                    total += lambda * Math.log1p(s[r]);
                }
            } else {
                total += batch * lambda * Math.log1p(frobenius);
            }
        }
        for (int r = 0; r < batch; r++) {
            int base = r * k;
            double factor = lambda == 0 ? 0 : loss.perSample() ? lambda * 2 / (1 + s[r]) : batch * lambda * 2 / (1 + frobenius);
            for (int j = 0; j < k; j++) {
                double p = d[base + j];
                double g = p - (j == labels[r] ? 1 : 0) + factor * p * (p - s[r]);
                d[base + j] = (float) (g / batch);
            }
        }
        return total / batch;
    }

    /** One optimiser step on a batch; returns its mean loss before the step. */
    public double step(float[] x, int[] labels, int batch) {
        double value = lossAndGradient(x, labels, batch);
        iteration++;
        double lr = optimizer.learningRate();
        for (int l = 0; l < layer.length; l++) {
            float[] w = layer[l];
            float[] g = layerGrad[l];
            switch (optimizer.name()) {
                case "sgd" -> {
                    float rate = (float) lr;
                    for (int i = 0; i < w.length; i++) {
                        w[i] -= rate * g[i];
                    }
                }
                case "nesterov" -> {
                    float mu = (float) optimizer.momentum();
                    float rate = (float) lr;
                    float[] velocity = m[l];
                    for (int i = 0; i < w.length; i++) {
                        float previous = velocity[i];
                        float next = mu * previous - rate * g[i];
                        velocity[i] = next;
                        w[i] -= mu * previous - (1 + mu) * next;
                    }
                }
                default -> {
                    double alpha = lr * Math.sqrt(1 - Math.pow(ADAM_BETA2, iteration)) / (1 - Math.pow(ADAM_BETA1, iteration));
                    float b1 = (float) ADAM_BETA1;
                    float b2 = (float) ADAM_BETA2;
                    float[] first = m[l];
                    float[] second = v[l];
                    for (int i = 0; i < w.length; i++) {
                        float gi = g[i];
                        first[i] = b1 * first[i] + (1 - b1) * gi;
                        second[i] = b2 * second[i] + (1 - b2) * gi * gi;
                        w[i] -= (float) (alpha * first[i] / (Math.sqrt(second[i]) + ADAM_EPSILON));
                    }
                }
            }
        }
        return value;
    }
}
