package io.losslake.spark.federated;

import io.losslake.federated.ClientProgram;
import io.losslake.federated.ClientState;
import java.util.Map;

/**
 * What every task of a round needs, broadcast once per round.
 *
 * @param round      1-based round
 * @param global     the global weights clients start from
 * @param program    the strategy's client program
 * @param work       per dispatched client, the share of its local work it does (1 = all)
 * @param states     per dispatched client with stored state, that state
 * @param decompose  whether clients evaluate L_i(w_i) and L(w_i) this round
 */
public record RoundInput(int round, float[] global, ClientProgram program, Map<Integer, Double> work, Map<Integer, ClientState> states,
                         boolean decompose) implements java.io.Serializable {
}
