package io.losslake.federated;

import io.losslake.data.ClientData;
import io.losslake.data.ImageSubset;
import io.losslake.data.LabeledImages;
import io.losslake.federated.fused.FusedNetwork;
import io.losslake.federated.fused.FusedNetworks;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Computes a network's cross-entropy and accuracy on a labelled set, in bounded-size chunks. */
public final class Evaluator {
    private static final int CHUNK = 2048;
    /** Probabilities are floored here before the log, so one confident mistake costs at most ~27.6 nats. */
    private static final double MIN_PROBABILITY = 1e-12;

    private Evaluator() {
    }

    public static Evaluation evaluate(MultiLayerNetwork net, LabeledImages data) {
        int[] all = new int[data.count()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return evaluate(net, new ImageSubset(-1, data, all));
    }

    /** Evaluates on the examples of {@code data} at {@code indices}. */
    public static Evaluation evaluate(MultiLayerNetwork net, LabeledImages data, int[] indices) {
        return evaluate(net, new ImageSubset(-1, data, indices));
    }

    /**
     * Evaluates {@code weights} of {@code spec} on every example of {@code data}: on the fused path's
     * forward pass where it takes the model (several times faster than building and running a DL4J
     * network, which is the fallback), with the same loss floor.
     */
    public static Evaluation evaluate(ModelSpec spec, float[] weights, ClientData data) {
        if (!FusedNetworks.supports(spec)) {
            return evaluate(ModelFactory.withWeights(spec, INFERENCE, weights), data);
        }
        FusedNetwork net = FusedNetworks.of(spec, weights, INFERENCE);
        int features = data.featureSize();
        int classes = data.numClasses();
        long[] correct = new long[classes];
        long[] total = new long[classes];
        double lossSum = 0;
        int count = data.size();
        int chunk = 256;
        float[] x = new float[Math.min(chunk, Math.max(1, count)) * features];
        for (int from = 0; from < count; from += chunk) {
            int size = Math.min(chunk, count - from);
            for (int r = 0; r < size; r++) {
                data.copyFeatures(from + r, x, r * features);
            }
            float[] z = net.logits(x, size);
            for (int r = 0; r < size; r++) {
                int base = r * classes;
                int best = 0;
                double max = z[base];
                for (int c = 1; c < classes; c++) {
                    if (z[base + c] > z[base + best]) {
                        best = c;
                    }
                    max = Math.max(max, z[base + c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(z[base + c] - max);
                }
                int label = data.label(from + r);
                double p = Math.exp(z[base + label] - max) / sum;
                total[label]++;
                if (best == label) {
                    correct[label]++;
                }
                lossSum -= Math.log(Math.max(p, MIN_PROBABILITY));
            }
        }
        return summary(count, lossSum, correct, total);
    }

    private static final io.losslake.federated.model.OptimizerSpec INFERENCE = new io.losslake.federated.model.OptimizerSpec("sgd", 0.01, 0);

    private static Evaluation summary(long n, double lossSum, long[] correct, long[] total) {
        long right = 0;
        for (long c : correct) {
            right += c;
        }
        return new Evaluation(n, n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : (double) right / n, correct, total);
    }

    /** Evaluates on every example of {@code data}. */
    public static Evaluation evaluate(MultiLayerNetwork net, ClientData data) {
        int features = data.featureSize();
        int classes = data.numClasses();
        long[] correct = new long[classes];
        long[] total = new long[classes];
        double lossSum = 0;
        int count = data.size();
        float[] x = new float[Math.min(CHUNK, Math.max(1, count)) * features];
        for (int from = 0; from < count; from += CHUNK) {
            int size = Math.min(CHUNK, count - from);
            for (int r = 0; r < size; r++) {
                data.copyFeatures(from + r, x, r * features);
            }
            INDArray input = Nd4j.create(java.util.Arrays.copyOf(x, size * features), new long[] {size, features}, 'c');
            float[][] probabilities = net.output(input, false).toFloatMatrix();
            for (int r = 0; r < size; r++) {
                int label = data.label(from + r);
                float[] p = probabilities[r];
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                total[label]++;
                if (best == label) {
                    correct[label]++;
                }
                lossSum -= Math.log(Math.max(p[label], MIN_PROBABILITY));
            }
        }
        return summary(count, lossSum, correct, total);
    }
}
