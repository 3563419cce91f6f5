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
        Epochs passes = new Epochs(scale.view(train), batchSize);
        Random rng = new Random(seed ^ 0x5DEECE66DL);
        for (int epoch = 0; epoch < epochs; epoch++) {
            if (epoch == epochs / 2 && epochs > 1) {
                net.scaleLearningRate(0.1);
            }
            passes.run(net, augment, rng);
        }
        return net.weights();
    }
}
