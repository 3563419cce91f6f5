package io.losslake.federated.distill;

/**
 * A ReLU MLP with a softmax cross-entropy loss in double precision, for trajectory matching's
 * unrolled student: the mean loss of a batch with its gradients with respect to the parameters and
 * to the inputs. Parameters are flat in DL4J's order and layout (per layer W as [out, in] row-major,
 * i.e. DL4J's [in, out] in 'f' order, then b), so expert checkpoints trained on the fused path load
 * unchanged. ReLU's derivative at 0 is 0, as on the fused path.
 */
final class DoubleMlp {
    private final int[] sizes;
    private final int[] offset;
    private final int parameters;
    private double[][] act = new double[0][];
    private double[][] delta = new double[0][];
    private int capacity;

    DoubleMlp(int[] sizes) {
        this.sizes = sizes.clone();
        offset = new int[sizes.length - 1];
        int at = 0;
        for (int l = 0; l < sizes.length - 1; l++) {
            offset[l] = at;
            at += sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        parameters = at;
    }

    int parameterCount() {
        return parameters;
    }

    int inputs() {
        return sizes[0];
    }

    /** [start, end) of each parameter tensor: W then b of every layer (AST perturbs each tensor by its own norm). */
    int[][] tensors() {
        int[][] t = new int[2 * (sizes.length - 1)][];
        for (int l = 0; l < sizes.length - 1; l++) {
            int w = sizes[l] * sizes[l + 1];
            t[2 * l] = new int[] {offset[l], offset[l] + w};
            t[2 * l + 1] = new int[] {offset[l] + w, offset[l] + w + sizes[l + 1]};
        }
        return t;
    }

    private void ensure(int batch) {
        if (batch <= capacity) {
            return;
        }
        capacity = batch;
        act = new double[sizes.length][];
        delta = new double[sizes.length][];
        for (int l = 0; l < sizes.length; l++) {
            act[l] = new double[batch * sizes[l]];
            delta[l] = new double[batch * sizes[l]];
        }
    }

    /**
     * The mean cross-entropy of {@code n} rows of {@code x} under {@code theta}; writes its gradient
     * with respect to theta into {@code gTheta} and, when {@code gX} is not null, with respect to x
     * into {@code gX}.
     */
    double lossAndGradients(double[] theta, double[] x, int[] y, int n, double[] gTheta, double[] gX) {
        ensure(n);
        int layers = sizes.length - 1;
        System.arraycopy(x, 0, act[0], 0, n * sizes[0]);
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            int w = offset[l];
            int b = w + in * out;
            double[] a = act[l];
            double[] z = act[l + 1];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < out; j++) {
                    double s = theta[b + j];
                    int row = w + j * in;
                    int ar = r * in;
                    for (int i = 0; i < in; i++) {
                        s += a[ar + i] * theta[row + i];
                    }
                    z[r * out + j] = l < layers - 1 ? Math.max(0, s) : s;
                }
            }
        }
        int k = sizes[layers];
        double[] logits = act[layers];
        double[] d = delta[layers];
        double loss = 0;
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[r * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(logits[r * k + j] - max);
            }
            double logSum = Math.log(sum) + max;
            loss += logSum - logits[r * k + y[r]];
            for (int j = 0; j < k; j++) {
                d[r * k + j] = (Math.exp(logits[r * k + j] - logSum) - (j == y[r] ? 1 : 0)) / n;
            }
        }
        java.util.Arrays.fill(gTheta, 0);
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            int w = offset[l];
            int b = w + in * out;
            double[] a = act[l];
            double[] dz = delta[l + 1];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < out; j++) {
                    double g = dz[r * out + j];
                    if (g == 0) {
                        continue;
                    }
                    gTheta[b + j] += g;
                    int row = w + j * in;
                    int ar = r * in;
                    for (int i = 0; i < in; i++) {
                        gTheta[row + i] += g * a[ar + i];
                    }
                }
            }
            if (l == 0 && gX == null) {
                break;
            }
            double[] below = l == 0 ? gX : delta[l];
            java.util.Arrays.fill(below, 0, n * in, 0);
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < out; j++) {
                    double g = dz[r * out + j];
                    if (g == 0) {
                        continue;
                    }
                    int row = w + j * in;
                    int br = r * in;
                    for (int i = 0; i < in; i++) {
                        below[br + i] += g * theta[row + i];
                    }
                }
            }
            if (l > 0) {
                for (int i = 0; i < n * in; i++) {
                    if (a[i] <= 0) {
                        below[i] = 0;
                    }
                }
            }
        }
        return loss / n;
    }
}
