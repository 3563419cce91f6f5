package io.losslake.federated.simulation;

import io.losslake.federated.ClientProgram;
import io.losslake.federated.strategy.LinearAggregation;
import java.util.Set;

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
 * @param keep      clients whose trained weights must reach the driver even when the executor sums (barriers compare them)
 * @param personal  the layers kept local this round when the auto-barrier policy chooses them; null: the run's fixed policy
 */
public record RoundInput(int round, float[] global, ClientProgram program, boolean decompose, LinearAggregation.Summand summand, int[] keep,
                         Set<Integer> personal) implements java.io.Serializable {
    public RoundInput {
        keep = keep == null ? new int[0] : keep.clone();
        personal = personal == null ? null : Set.copyOf(personal);
    }

    /** A round that keeps no client's weights and uses the run's fixed layer policy. */
    public RoundInput(int round, float[] global, ClientProgram program, boolean decompose, LinearAggregation.Summand summand) {
        this(round, global, program, decompose, summand, null, null);
    }

    /** Whether {@code clientId}'s weights must reach the driver. */
    public boolean keeps(int clientId) {
        for (int k : keep) {
            if (k == clientId) {
                return true;
            }
        }
        return false;
    }
}
