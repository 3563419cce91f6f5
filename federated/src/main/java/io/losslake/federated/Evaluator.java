package io.losslake.federated;

import io.losslake.data.ClientData;
import io.losslake.federated.fused.FusedNetwork;
import io.losslake.federated.fused.FusedNetworks;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;

/**
 * A model's cross-entropy and accuracy on a labelled set, on the fused forward pass, in bounded
 * chunks: the one evaluator of every path (the global model each round, clients' own models, the
 * loss decomposition, sweeps). Tests check it against DL4J's output through {@link #tally}.
 */
public final class Evaluator {
    private static final int CHUNK = 256;
    /** Probabilities are floored here before the log, so one confident mistake costs at most ~27.6 nats. */
    private static final double MIN_PROBABILITY = 1e-12;
    private static final OptimizerSpec INFERENCE = new OptimizerSpec("sgd", 0.01, 0);

    private Evaluator() {
    }

    /** Evaluates {@code weights} of {@code spec} on every example of {@code data}. */
    public static Evaluation evaluate(ModelSpec spec, float[] weights, ClientData data) {
        FusedNetwork net = FusedNetworks.of(spec, weights, INFERENCE);
        int classes = data.numClasses();
        return tally(data, CHUNK, (x, size) -> {
            float[] z = net.logits(x, size);
            float[] p = new float[size * classes];
            for (int r = 0; r < size; r++) {
                int base = r * classes;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, z[base + c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(z[base + c] - max);
                }
                for (int c = 0; c < classes; c++) {
                    p[base + c] = (float) (Math.exp(z[base + c] - max) / sum);
                }
            }
            return p;
        });
    }

    /** Class probabilities of {@code size} rows of features: size x classes, row-major. */
    @FunctionalInterface
    public interface Scorer {
        float[] probabilities(float[] x, int size);
    }

    /**
     * Cross-entropy (probabilities floored) and per-class accuracy of {@code scorer} over
     * {@code data}, {@code chunk} rows at a time: the arithmetic every backend shares.
     */
    public static Evaluation tally(ClientData data, int chunk, Scorer scorer) {
        int features = data.featureSize();
        int classes = data.numClasses();
        long[] correct = new long[classes];
        long[] total = new long[classes];
        double lossSum = 0;
        int count = data.size();
        float[] x = new float[Math.min(chunk, Math.max(1, count)) * features];
        for (int from = 0; from < count; from += chunk) {
            int size = Math.min(chunk, count - from);
            for (int r = 0; r < size; r++) {
                data.copyFeatures(from + r, x, r * features);
            }
            float[] p = scorer.probabilities(x, size);
            for (int r = 0; r < size; r++) {
                int base = r * classes;
                int label = data.label(from + r);
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (p[base + c] > p[base + best]) {
                        best = c;
                    }
                }
                total[label]++;
                if (best == label) {
                    correct[label]++;
                }
                lossSum -= Math.log(Math.max(p[base + label], MIN_PROBABILITY));
            }
        }
        long right = 0;
        for (long c : correct) {
            right += c;
        }
        long n = count;
        return new Evaluation(n, n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : (double) right / n, correct, total);
    }
}
