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

    /**
     * sum / weight of a {@link LinearAggregation.Sum}, as floats: FedAvg's example-weighted mean.
     *
     * @throws IllegalArgumentException if the sum is empty or its weight is not positive
     */
    public static float[] mean(LinearAggregation.Sum sum) {
        if (sum.count() == 0 || !(sum.weight() > 0)) {
            throw new IllegalArgumentException("weights sum to " + sum.weight() + ", expected a positive total");
        }
        float[] out = new float[sum.values().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (sum.values()[i] / sum.weight());
        }
        return out;
    }

    /** The example count of each update, as FedAvg weights. */
    public static double[] exampleCounts(List<io.losslake.federated.ClientUpdate> updates) {
        double[] counts = new double[updates.size()];
        for (int k = 0; k < counts.length; k++) {
            counts[k] = updates.get(k).numExamples();
        }
        return counts;
    }

    /** Each update's weights, in order. */
    public static List<float[]> weightsOf(List<io.losslake.federated.ClientUpdate> updates) {
        return updates.stream().map(io.losslake.federated.ClientUpdate::weights).toList();
    }

    /** The uniform mean of the clients' deltas w_i - w, in double. */
    public static double[] meanDelta(float[] global, List<io.losslake.federated.ClientUpdate> updates) {
        double[] delta = new double[global.length];
        for (io.losslake.federated.ClientUpdate u : updates) {
            float[] w = u.weights();
            for (int i = 0; i < delta.length; i++) {
                delta[i] += ((double) w[i] - global[i]) / updates.size();
            }
        }
        return delta;
    }

    /**
     * Coordinate-wise trimmed mean: per coordinate, drop the {@code cut} smallest and {@code cut}
     * largest values and average the rest ({@code cut = 0} is the plain mean).
     */
    public static float[] trimmedMean(List<float[]> vectors, int cut) {
        int n = vectors.size();
        if (n - 2 * cut < 1) {
            throw new IllegalArgumentException("cannot trim " + cut + " from each end of " + n + " values");
        }
        int d = vectors.get(0).length;
        float[] out = new float[d];
        double[] column = new double[n];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < n; k++) {
                column[k] = vectors.get(k)[i];
            }
            java.util.Arrays.sort(column);
            double sum = 0;
            for (int k = cut; k < n - cut; k++) {
                sum += column[k];
            }
            out[i] = (float) (sum / (n - 2 * cut));
        }
        return out;
    }

    /** Coordinate-wise median (the mean of the two middle values for an even count, as numpy). */
    public static float[] median(List<float[]> vectors) {
        int n = vectors.size();
        int d = vectors.get(0).length;
        float[] out = new float[d];
        double[] column = new double[n];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < n; k++) {
                column[k] = vectors.get(k)[i];
            }
            java.util.Arrays.sort(column);
            out[i] = (float) (n % 2 == 1 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2);
        }
        return out;
    }
}
