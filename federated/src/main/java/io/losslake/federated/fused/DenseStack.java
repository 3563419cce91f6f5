package io.losslake.federated.fused;

import io.losslake.federated.model.LossSpec;

/**
 * The dense part of a fused network: ReLU hidden layers and a softmax output with DL4J's mean
 * cross-entropy (plus FedLD's margin term), forward and backward on row-major batches. Each layer's
 * parameters are one block, DL4J's W (column-major [in, out], i.e. row-major [out, in]) followed by b.
 */
final class DenseStack {
    private final int[] sizes;
    private final int firstBlock;
    private final LossSpec loss;
    private int capacity;
    /** act[0] is the input; act[l + 1] layer l's output (ReLU applied for hidden layers, logits at the top). */
    float[][] act;
    /** delta[l]: d(mean loss)/d act[l], through the ReLU of hidden layers (masked where act[l] <= 0). */
    float[][] delta;
    private double[] rowSquares;

    /**
     * @param sizes      widths from the input to the output
     * @param firstBlock index of the first dense layer's block in the network's {@link Parameters}
     */
    DenseStack(int[] sizes, int firstBlock, LossSpec loss) {
        this.sizes = sizes.clone();
        this.firstBlock = firstBlock;
        this.loss = loss;
    }

    /** Block sizes of the layers, in order. */
    static int[] blockSizes(int[] sizes) {
        int[] out = new int[sizes.length - 1];
        for (int l = 0; l < out.length; l++) {
            out[l] = sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        return out;
    }

    void ensure(int batch) {
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

    /** The input rows to fill before {@link #forwardBackward}: batch x sizes[0]. */
    float[] input() {
        return act[0];
    }

    /**
     * Forward through the layers from {@link #input()}, the loss at the top, and the gradients of
     * every layer's block; with {@code inputGradient}, {@code delta[0]} receives d(mean loss)/d input
     * (an MLP skips it: its input is data, and that product is the largest for 784 inputs).
     * Returns the mean loss.
     */
    double forwardBackward(Parameters p, int[] labels, int batch, boolean inputGradient) {
        forward(p, batch);
        double value = outputGradient(labels, batch);
        backward(p, batch, inputGradient);
        return value;
    }

    /** The logits of the rows in {@link #input()}: batch x outputs in the returned array (reused). */
    float[] forward(Parameters p, int batch) {
        int layers = sizes.length - 1;
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            float[] z = act[l + 1];
            float[] w = p.value[firstBlock + l];
            int bias = in * out;
            for (int r = 0; r < batch; r++) {
                System.arraycopy(w, bias, z, r * out, out);
            }
            // z = a W + b with W stored as row-major Wt [out, in]
            Blas.gemm(false, true, batch, out, in, 1f, act[l], in, w, in, 1f, z, out);
            if (l < layers - 1) {
                Relu.apply(z, batch * out);
            }
        }
        return act[layers];
    }

    private void backward(Parameters p, int batch, boolean inputGradient) {
        int layers = sizes.length - 1;
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            float[] d = delta[l + 1];
            float[] g = p.grad[firstBlock + l];
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
            if (l == 0 && !inputGradient) {
                break;
            }
            float[] below = delta[l];
            // d_below = d Wt; below a hidden layer, its ReLU mask (the stack's input has none)
            Blas.gemm(false, false, batch, in, out, 1f, d, out, p.value[firstBlock + l], in, 0f, below, in);
            if (l > 0) {
                Relu.mask(act[l], below, batch * in);
            }
        }
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
}
