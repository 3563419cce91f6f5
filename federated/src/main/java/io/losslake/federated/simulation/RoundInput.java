package io.losslake.federated.simulation;

import io.losslake.federated.ClientProgram;
import io.losslake.federated.strategy.LinearAggregation;

/**
 * What every dispatched client of a round shares (an engine ships it once per round, e.g. as a
 * Spark broadcast).
 *
 * @param round     1-based round
 * @param global    the global weights clients start from
 * @param program   the strategy's client program
 * @param decompose whether clients evaluate L_i(w_i) and L(w_i) for the loss decomposition
 * @param summand   what the strategy sums over the clients, when it needs nothing else of their
 *                  models (an executor may then send sums instead of models); null when it needs
 *                  every client's model
 */
public record RoundInput(int round, float[] global, ClientProgram program, boolean decompose, LinearAggregation.Summand summand)
        implements java.io.Serializable {
}
