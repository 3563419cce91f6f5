package io.losslake.federated.strategy;

import io.losslake.federated.ClientUpdate;
import java.util.List;

/**
 * Turns one round's client updates into the next global weights. Implementations are pure: the
 * result depends only on the arguments, which the engine passes sorted by client id so that
 * floating-point sums run in one fixed order.
 */
public interface AggregationStrategy {
    /** The name users choose it by, e.g. {@code fedavg}. */
    String name();

    /** The state before the first round. */
    default ServerState initialState(float[] globalWeights) {
        return ServerState.EMPTY;
    }

    /**
     * Aggregates the updates of the clients that succeeded this round.
     *
     * @param round         1-based round number
     * @param globalWeights the weights the clients started from
     * @param updates       successful updates, sorted by client id, at least one
     * @param state         the state returned by the previous round (or {@link #initialState})
     */
    Result aggregate(int round, float[] globalWeights, List<ClientUpdate> updates, ServerState state);

    /** New global weights and the state to pass to the next round. */
    record Result(float[] weights, ServerState state) {
    }
}
