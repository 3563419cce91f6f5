package io.losslake.federated;

/**
 * FedLD's decomposition of the global loss of the aggregated model (Zeng et al., 2024):
 * <pre>
 *   L(w_bar) = sum_i p_i L_i(w_i)                          local loss
 *            + sum_i p_i [L(w_i) - L_i(w_i)]               distribution-shift loss
 *            + [L(w_bar) - sum_i p_i L(w_i)]               aggregation loss
 * </pre>
 * with p_i the share of client i's examples among the round's participants, L_i its own data loss
 * and L the loss on a fixed sample of the global training data. High local loss: clients underfit;
 * high shift loss: local models do not transfer to the global distribution (heterogeneity); high
 * aggregation loss: averaging the local models hurts (they diverged).
 *
 * @param local        sum_i p_i L_i(w_i)
 * @param shift        sum_i p_i [L(w_i) - L_i(w_i)]
 * @param aggregation  L(w_bar) - sum_i p_i L(w_i)
 * @param global       L(w_bar)
 */
public record LossDecomposition(double local, double shift, double aggregation, double global) {

    /**
     * @param examples   per client, its number of training examples (p_i is proportional)
     * @param ownLoss    per client, L_i(w_i)
     * @param sampleLoss per client, L(w_i)
     * @param globalLoss L(w_bar)
     */
    public static LossDecomposition of(long[] examples, double[] ownLoss, double[] sampleLoss, double globalLoss) {
        double total = 0;
        for (long n : examples) {
            total += n;
        }
        double local = 0;
        double transfer = 0;
        for (int i = 0; i < examples.length; i++) {
            double p = examples[i] / total;
            local += p * ownLoss[i];
            transfer += p * sampleLoss[i];
        }
        return new LossDecomposition(local, transfer - local, globalLoss - transfer, globalLoss);
    }

    /** local + shift + aggregation, which equals {@link #global()} up to rounding. */
    public double sum() {
        return local + shift + aggregation;
    }
}
