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
     * network, which is the fallback).
     */
    public static Evaluation evaluate(ModelSpec spec, float[] weights, ClientData data) {
        if (!FusedNetworks.supports(spec)) {
            return evaluate(ModelFactory.withWeights(spec, INFERENCE, weights), data);
        }
        FusedNetwork net = FusedNetworks.of(spec, weights, INFERENCE);
        int classes = data.numClasses();
        return evaluate(data, 256, (x, size) -> {
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

    private static final io.losslake.federated.model.OptimizerSpec INFERENCE = new io.losslake.federated.model.OptimizerSpec("sgd", 0.01, 0);

    /** Evaluates on every example of {@code data}. */
    public static Evaluation evaluate(MultiLayerNetwork net, ClientData data) {
        int features = data.featureSize();
        return evaluate(data, CHUNK, (x, size) -> {
            INDArray input = Nd4j.create(java.util.Arrays.copyOf(x, size * features), new long[] {size, features}, 'c');
            return net.output(input, false).reshape(size * (long) data.numClasses()).toFloatVector();
        });
    }

    /** Class probabilities of {@code size} rows of features: size x classes, row-major. */
    @FunctionalInterface
    private interface Scorer {
        float[] probabilities(float[] x, int size);
    }

    /** Cross-entropy (probabilities floored) and per-class accuracy over {@code data}, {@code chunk} rows at a time. */
    private static Evaluation evaluate(ClientData data, int chunk, Scorer scorer) {
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
