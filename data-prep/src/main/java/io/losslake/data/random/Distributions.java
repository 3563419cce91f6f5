package io.losslake.data.random;

import java.util.SplittableRandom;

/**
 * The random variates the partitioners need, drawn from a caller's seeded generator so results are
 * reproducible: standard normal (Box-Muller), gamma (Marsaglia-Tsang, 2000) and Dirichlet.
 */
public final class Distributions {
    private Distributions() {
    }

    /** A standard normal variate. */
    public static double normal(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // (0, 1]
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /**
     * The natural log of a Gamma(shape, 1) variate. Working in logs keeps tiny shapes usable: with
     * shape 0.01 most gamma variates underflow a double, their logs do not.
     */
    public static double logGamma(SplittableRandom random, double shape) {
        if (!(shape > 0) || Double.isInfinite(shape)) {
            throw new IllegalArgumentException("gamma shape must be positive and finite, got " + shape);
        }
        if (shape < 1) {
            // Gamma(a) = Gamma(a + 1) * U^(1/a)  (Marsaglia and Tsang's boost for a < 1)
            double u = 1.0 - random.nextDouble();
            return logGamma(random, shape + 1) + Math.log(u) / shape;
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x = normal(random);
            double v = 1.0 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = 1.0 - random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return Math.log(d * v);
            }
        }
    }

    /** A Dirichlet(alpha) variate: non-negative proportions summing to 1. */
    public static double[] dirichlet(SplittableRandom random, double[] alpha) {
        int k = alpha.length;
        double[] logs = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            logs[i] = logGamma(random, alpha[i]);
            max = Math.max(max, logs[i]);
        }
        double sum = 0;
        double[] p = new double[k];
        for (int i = 0; i < k; i++) {
            p[i] = Math.exp(logs[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < k; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** A symmetric Dirichlet(alpha, ..., alpha) variate of dimension {@code k}. */
    public static double[] dirichlet(SplittableRandom random, double alpha, int k) {
        double[] a = new double[k];
        java.util.Arrays.fill(a, alpha);
        return dirichlet(random, a);
    }
}
