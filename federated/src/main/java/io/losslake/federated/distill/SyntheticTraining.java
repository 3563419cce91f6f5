package io.losslake.federated.distill;

import io.losslake.data.ClientData;
import io.losslake.federated.Evaluation;
import io.losslake.federated.Evaluator;
import io.losslake.federated.fused.FusedNetwork;
import io.losslake.federated.fused.FusedNetworks;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.ProximalTerm;
import java.util.List;
import java.util.Random;

/**
 * The dataset-condensation papers' evaluation protocol (evaluate_synset of the DC/DSA/DM code): a
 * freshly initialised network trained on the small set alone, with SGD (rate 0.01, heavy-ball
 * momentum 0.9, weight decay 5e-4), minibatches of 256, the rate divided by 10 after half the
 * epochs, each batch augmented with DSA (per-image parameters), all in normalised pixel units; then
 * its test accuracy.
 *
 * @param epochs      passes over the set (the DM code runs 1000, DC 300)
 * @param learningRate initial rate
 * @param batchSize   minibatch size
 * @param augment     DSA on every training batch
 */
public record SyntheticTraining(int epochs, double learningRate, int batchSize, boolean augment) implements java.io.Serializable {
    public static final double MOMENTUM = 0.9;
    public static final double WEIGHT_DECAY = 5e-4;

    public SyntheticTraining {
        if (epochs < 1) {
            throw new IllegalArgumentException("Invalid --eval-epochs " + epochs + ": expected at least 1.");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("Invalid --eval-lr " + learningRate + ": expected a positive rate.");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("Invalid evaluation batch size " + batchSize + ": expected at least 1.");
        }
    }

    public static SyntheticTraining reference(int epochs) {
        return new SyntheticTraining(epochs, 0.01, 256, true);
    }

    /**
     * Trains a fresh {@code spec} (initialised from {@code seed}) on {@code train} and evaluates it on
     * {@code test}; both in the data's own units, normalised here by {@code scale}.
     */
    public Evaluation trainAndTest(ModelSpec spec, ClientData train, ClientData test, PixelScale scale, long seed) {
        return Evaluator.evaluate(spec, train(spec, train, scale, seed), scale.view(test));
    }

    /** The trained weights (for inputs normalised by {@code scale}). */
    public float[] train(ModelSpec spec, ClientData train, PixelScale scale, long seed) {
        OptimizerSpec optimizer = new OptimizerSpec("momentum", learningRate, MOMENTUM);
        float[] start = ModelFactory.weightsOf(ModelFactory.initialised(spec, optimizer, seed));
        FusedNetwork net = FusedNetworks.of(spec, start, optimizer, LossSpec.CROSS_ENTROPY,
                List.of(new ProximalTerm(new float[start.length], WEIGHT_DECAY)));
        ClientData data = scale.view(train);
        int d = data.featureSize();
        int side = DmSettings.side(d);
        int n = data.size();
        int batch = Math.min(batchSize, n);
        float[] x = new float[batch * d];
        float[] augmented = new float[batch * d];
        int[] y = new int[batch];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(seed ^ 0x5DEECE66DL);
        for (int epoch = 0; epoch < epochs; epoch++) {
            if (epoch == epochs / 2 && epochs > 1) {
                net.scaleLearningRate(0.1);
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from < n; from += batch) {
                int size = Math.min(batch, n - from);
                for (int r = 0; r < size; r++) {
                    data.copyFeatures(order[from + r], x, r * d);
                    y[r] = data.label(order[from + r]);
                }
                float[] in = x;
                if (augment) {
                    Augmentation.draw(rng, size, side, false).apply(x, size, augmented);
                    in = augmented;
                }
                net.step(in, y, size);
            }
        }
        return net.weights();
    }
}
