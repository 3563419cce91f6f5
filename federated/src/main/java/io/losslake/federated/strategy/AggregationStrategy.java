package io.losslake.federated.strategy;

import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientProgram;
import io.losslake.federated.ClientUpdate;
import java.util.List;

/**
 * One federated optimisation method, in the phases of a round: what clients are asked to do
 * ({@link #clientProgram}), and how their updates become the next global weights
 * ({@link #aggregate}). Implementations are pure: results depend only on the arguments, which the
 * engine passes sorted by client id so floating-point sums run in one fixed order; server
 * optimiser state lives in the explicit {@link ServerState}, never in fields.
 */
public interface AggregationStrategy {
    /** The name users choose it by, e.g. {@code fedavg}. */
    String name();

    /** The state before the first round. */
    default ServerState initialState(float[] globalWeights) {
        return ServerState.EMPTY;
    }

    /** Whether clients keep state between the rounds they take part in (SCAFFOLD's control variates). */
    default boolean keepsClientState() {
        return false;
    }

    /** What the clients of {@code round} run; plain local training unless a strategy says otherwise. */
    default ClientProgram clientProgram(int round, ServerState state) {
        return ClientProgram.PLAIN;
    }

    /**
     * Aggregates one round.
     *
     * @param round         1-based round number
     * @param globalWeights the weights the clients started from
     * @param updates       successful updates, sorted by client id, at least one
     * @param failures      sampled clients without a usable update (dropped, straggling, rejected);
     *                      the strategies here ignore them, which is FedAvg's reading of a dropout
     * @param state         the state returned by the previous round (or {@link #initialState})
     */
    Result aggregate(int round, float[] globalWeights, List<ClientUpdate> updates, List<ClientFailure> failures, ServerState state);

    /** New global weights and the state to pass to the next round. */
    record Result(float[] weights, ServerState state) {
    }
}
