package io.losslake.federated.simulation;

import io.losslake.federated.ClientState;
import io.losslake.federated.barrier.Barriers;
import java.util.List;
import java.util.Map;

/**
 * Everything a finished round leaves for its sink.
 *
 * @param metrics    the round's figures
 * @param clients    each sampled client's report: dispatched ones ascending by id, then those that sent nothing
 * @param states     the next state of each client that keeps one and whose update was accepted
 * @param checkpoint the run's state after the round
 * @param barriers   the barriers measured after the round (none when it measured none)
 */
public record RoundRecord(RoundMetrics metrics, List<ClientReport> clients, Map<Integer, ClientState> states, Checkpoint checkpoint,
                          List<PairBarriers> barriers) {
    public RoundRecord {
        barriers = barriers == null ? List.of() : List.copyOf(barriers);
    }

    /** A round without barriers. */
    public RoundRecord(RoundMetrics metrics, List<ClientReport> clients, Map<Integer, ClientState> states, Checkpoint checkpoint) {
        this(metrics, clients, states, checkpoint, List.of());
    }

    /**
     * One pair's barriers.
     *
     * @param pair     the two models, e.g. {@code global,client:3}
     * @param evalSet  where they were measured
     * @param examples examples evaluated
     */
    public record PairBarriers(String pair, String evalSet, int examples, Barriers.Report report) {
    }
}
