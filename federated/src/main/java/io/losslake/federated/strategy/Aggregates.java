package io.losslake.federated.strategy;

import java.util.List;

/** The arithmetic strategies share, as small functions over flat arrays. */
public final class Aggregates {
    private Aggregates() {
    }

    /**
     * sum_k w_k x_k / sum_k w_k, accumulated in double in list order.
     *
     * @throws IllegalArgumentException if the list is empty, lengths differ or the weights do not
     *                                  sum to a positive number
     */
    public static float[] weightedMean(List<float[]> vectors, double[] weights) {
        if (vectors.isEmpty() || vectors.size() != weights.length) {
            throw new IllegalArgumentException("need one weight per vector and at least one vector, got "
                    + vectors.size() + " vectors and " + weights.length + " weights");
        }
        int d = vectors.get(0).length;
        double total = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be finite and non-negative, got " + w);
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("weights sum to " + total + ", expected a positive total");
        }
        double[] sum = new double[d];
        for (int k = 0; k < vectors.size(); k++) {
            float[] v = vectors.get(k);
            if (v.length != d) {
                throw new IllegalArgumentException("vector " + k + " has length " + v.length + ", expected " + d);
            }
            double w = weights[k];
            for (int i = 0; i < d; i++) {
                sum[i] += w * v[i];
            }
        }
        float[] out = new float[d];
        for (int i = 0; i < d; i++) {
            out[i] = (float) (sum[i] / total);
        }
        return out;
    }
}
