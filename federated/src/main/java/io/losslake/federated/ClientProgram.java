package io.losslake.federated;

import io.losslake.federated.model.LossSpec;
import io.losslake.federated.objective.GradientTerm;
import java.util.List;
import java.util.Map;

/**
 * What a strategy asks of its clients in a round, executed where the client trains (a Spark task):
 * the loss to train with, extra gradient terms, and what to keep and send back afterwards. The
 * default is plain FedAvg: cross-entropy, no extra terms, nothing kept.
 */
public interface ClientProgram extends java.io.Serializable {
    ClientProgram PLAIN = new ClientProgram() {
        private static final long serialVersionUID = 1L;
    };

    /** The output layer's loss. */
    default LossSpec loss() {
        return LossSpec.CROSS_ENTROPY;
    }

    /** Terms added to the local objective, given the weights the client starts from and its state. */
    default List<GradientTerm> gradientTerms(float[] start, ClientState state) {
        return List.of();
    }

    /**
     * A direction d applied to the weights after every optimiser step, w -= lr d, outside the
     * optimiser (so momentum does not amplify it), or null for none: SCAFFOLD's drift correction
     * c - c_i, as NIID-Bench applies it. For plain SGD it equals a linear gradient term.
     */
    default float[] stepCorrection(float[] start, ClientState state) {
        return null;
    }

    /**
     * After local training: the client's next state and any extra tensors for the server.
     *
     * @param start        weights the client started from
     * @param trained      weights after local training
     * @param steps        optimiser steps taken
     * @param learningRate the local learning rate
     */
    default Outcome finish(float[] start, float[] trained, ClientState state, long steps, double learningRate) {
        return new Outcome(state, Map.of());
    }

    /**
     * Values the server sends each client with this program besides the global weights (SCAFFOLD's
     * server control variate c), for the communication count of {@code round_metrics}.
     */
    default long serverFloats() {
        return 0;
    }

    /** Values each client sends back besides its weights (SCAFFOLD's Delta c_i), for the same count. */
    default long clientFloats() {
        return 0;
    }

    /** Plain local training with {@code loss}. */
    static ClientProgram withLoss(LossSpec loss) {
        return new WithLoss(loss);
    }

    /** Plain local training with another loss (a record, so it serialises without its strategy). */
    record WithLoss(LossSpec loss) implements ClientProgram {
    }

    /** The client's next state and the extra tensors it sends. */
    record Outcome(ClientState state, Map<String, float[]> extras) implements java.io.Serializable {
    }
}
