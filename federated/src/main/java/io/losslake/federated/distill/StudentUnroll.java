package io.losslake.federated.distill;

/**
 * Trajectory matching's inner loop and its meta-gradient. From start parameters theta_0, the student
 * takes N steps of SGD with heavy-ball momentum on the synthetic images X (all of them each step,
 * augmentation A_i at step i): g_i = grad L(theta_i; A_i X), b_i = mu b_(i-1) + g_i (b_0 = g_0),
 * theta_(i+1) = theta_i - alpha b_i. The loss is
 * J = ||theta_N - theta*||^2 / ||theta_0 - theta*||^2 (MTT, Cazenavette et al. 2022).
 *
 * <p>The gradient of J with respect to X and alpha is the exact adjoint (reverse) pass through the N
 * steps: with lambda the adjoint of theta and beta that of b, from lambda = dJ/dtheta_N, each step
 * back gives dJ/dalpha -= &lt;b_i, lambda&gt;, beta_i = mu beta_(i+1) - alpha lambda,
 * lambda += H_i beta_i and dJ/dX += A_i^T (d/dX &lt;grad_theta L(theta_i; X), beta_i&gt;). The two
 * second-order products, the Hessian-vector product H_i beta_i and the mixed input derivative, are
 * central finite differences of the exact first derivatives along beta_i, in double precision:
 * SameDiff cannot take second derivatives (STACK.md), and with an error of O(eps^2) at eps ~1e-5
 * relative they agree with the finite differences of the whole unrolled loss to ~1e-6 (the test).
 */
final class StudentUnroll {
    private StudentUnroll() {
    }

    record Result(double loss, double[] imageGradient, double rateGradient) {
    }

    /**
     * @param images normalised synthetic images [n, d]
     * @param augs   one augmentation per step (per-image parameters), or null for none
     * @param withGradient whether to run the reverse pass
     */
    static Result run(DoubleMlp net, double[] start, double[] target, double[] images, int[] labels, double rate, double momentum, int steps,
                      Augmentation[] augs, boolean withGradient) {
        int p = net.parameterCount();
        int n = labels.length;
        int d = net.inputs();
        double[][] theta = new double[steps + 1][];
        double[][] b = new double[steps][];
        theta[0] = start.clone();
        double[] g = new double[p];
        double[] x = new double[n * d];
        for (int i = 0; i < steps; i++) {
            augmented(images, augs == null ? null : augs[i], n, x);
            net.lossAndGradients(theta[i], x, labels, n, g, null);
            b[i] = new double[p];
            double[] next = new double[p];
            for (int k = 0; k < p; k++) {
                b[i][k] = (i == 0 ? 0 : momentum * b[i - 1][k]) + g[k];
                next[k] = theta[i][k] - rate * b[i][k];
            }
            theta[i + 1] = next;
        }
        double num = 0;
        double den = 0;
        for (int k = 0; k < p; k++) {
            double e = theta[steps][k] - target[k];
            double e0 = start[k] - target[k];
            num += e * e;
            den += e0 * e0;
        }
        double loss = num / den;
        if (!withGradient) {
            return new Result(loss, null, Double.NaN);
        }
        double[] lambda = new double[p];
        for (int k = 0; k < p; k++) {
            lambda[k] = 2 * (theta[steps][k] - target[k]) / den;
        }
        double[] beta = new double[p];
        double[] carry = new double[p];
        double dRate = 0;
        double[] dImages = new double[n * d];
        double[] plus = new double[p];
        double[] minus = new double[p];
        double[] gPlus = new double[p];
        double[] gMinus = new double[p];
        double[] xPlus = new double[n * d];
        double[] xMinus = new double[n * d];
        for (int i = steps - 1; i >= 0; i--) {
            double betaNorm = 0;
            double thetaNorm = 0;
            for (int k = 0; k < p; k++) {
                dRate -= b[i][k] * lambda[k];
                beta[k] = carry[k] - rate * lambda[k];
                carry[k] = momentum * beta[k];
                betaNorm += beta[k] * beta[k];
                thetaNorm += theta[i][k] * theta[i][k];
            }
            betaNorm = Math.sqrt(betaNorm);
            if (betaNorm == 0) {
                continue;
            }
            double eps = 1e-5 * Math.max(1, Math.sqrt(thetaNorm)) / betaNorm;
            for (int k = 0; k < p; k++) {
                plus[k] = theta[i][k] + eps * beta[k];
                minus[k] = theta[i][k] - eps * beta[k];
            }
            augmented(images, augs == null ? null : augs[i], n, x);
            net.lossAndGradients(plus, x, labels, n, gPlus, xPlus);
            net.lossAndGradients(minus, x, labels, n, gMinus, xMinus);
            for (int k = 0; k < p; k++) {
                lambda[k] += (gPlus[k] - gMinus[k]) / (2 * eps);
            }
            for (int k = 0; k < n * d; k++) {
                xPlus[k] = (xPlus[k] - xMinus[k]) / (2 * eps);
            }
            transposeInto(xPlus, augs == null ? null : augs[i], n, d, dImages);
        }
        return new Result(loss, dImages, dRate);
    }

    private static void augmented(double[] images, Augmentation aug, int n, double[] out) {
        if (aug == null) {
            System.arraycopy(images, 0, out, 0, images.length);
            return;
        }
        float[] in = new float[images.length];
        for (int k = 0; k < in.length; k++) {
            in[k] = (float) images[k];
        }
        float[] o = new float[images.length];
        aug.apply(in, n, o);
        for (int k = 0; k < o.length; k++) {
            out[k] = o[k];
        }
    }

    private static void transposeInto(double[] g, Augmentation aug, int n, int d, double[] acc) {
        if (aug == null) {
            for (int k = 0; k < n * d; k++) {
                acc[k] += g[k];
            }
            return;
        }
        float[] in = new float[n * d];
        for (int k = 0; k < in.length; k++) {
            in[k] = (float) g[k];
        }
        float[] o = new float[n * d];
        aug.transpose(in, n, o);
        for (int k = 0; k < o.length; k++) {
            acc[k] += o[k];
        }
    }
}
