package io.losslake.federated.distill;

import io.losslake.data.ClientData;
import io.losslake.federated.fused.FusedNetwork;
import io.losslake.federated.fused.FusedNetworks;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.ProximalTerm;
import java.util.List;
import java.util.Random;

/**
 * The server's step of a federated run with synthetic sets: after aggregating a round, it
 * fine-tunes the new global model on the union of the synthetic sets the clients have uploaded,
 * with the dataset-condensation papers' training recipe ({@link SyntheticTraining}: SGD with
 * heavy-ball momentum 0.9, weight decay 5e-4, DSA on every batch) but starting from the global
 * weights, at a constant rate, for a few epochs, and in the run's own input units (the global model
 * sees unnormalised examples; augmentation is applied in normalised units, as DSA assumes). The
 * optimiser starts afresh every round, so a round's result depends on its inputs alone.
 *
 * @param epochs       passes over the union per round
 * @param learningRate the constant SGD rate
 * @param batchSize    minibatch size
 * @param augment      DSA on every batch
 */
public record ServerTuning(int epochs, double learningRate, int batchSize, boolean augment) implements java.io.Serializable {
    public ServerTuning {
        if (epochs < 1) {
            throw new IllegalArgumentException("Invalid --synthetic-epochs " + epochs + ": expected at least 1.");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("Invalid --synthetic-lr " + learningRate + ": expected a positive rate.");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("Invalid --synthetic-batch " + batchSize + ": expected at least 1.");
        }
    }

    /**
     * {@code global} fine-tuned on {@code union} ({@code spec}'s input units), batch order and
     * augmentation drawn from {@code seed}; {@code global} itself is left as it was.
     */
    public float[] tune(ModelSpec spec, float[] global, ClientData union, long seed) {
        OptimizerSpec optimizer = new OptimizerSpec("momentum", learningRate, SyntheticTraining.MOMENTUM);
        FusedNetwork net = FusedNetworks.of(spec, global.clone(), optimizer, LossSpec.CROSS_ENTROPY,
                List.of(new ProximalTerm(new float[global.length], SyntheticTraining.WEIGHT_DECAY)));
        Epochs passes = new Epochs(union, batchSize, augment ? PixelScale.of(union) : null);
        Random rng = new Random(seed ^ 0x5DEECE66DL);
        for (int epoch = 0; epoch < epochs; epoch++) {
            passes.run(net, augment, rng);
        }
        return net.weights();
    }

    /** Examples fed through training per call on a union of {@code examples} (each epoch sees every one once). */
    public long examplesPerRound(int examples) {
        return (long) epochs * examples;
    }
}
