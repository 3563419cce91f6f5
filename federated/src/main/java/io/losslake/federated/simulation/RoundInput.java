package io.losslake.federated.simulation;

import io.losslake.federated.ClientProgram;

/**
 * What every dispatched client of a round shares (an engine ships it once per round, e.g. as a
 * Spark broadcast).
 *
 * @param round     1-based round
 * @param global    the global weights clients start from
 * @param program   the strategy's client program
 * @param decompose whether clients evaluate L_i(w_i) and L(w_i) for the loss decomposition
 */
public record RoundInput(int round, float[] global, ClientProgram program, boolean decompose) implements java.io.Serializable {
}
