package io.losslake.federated.simulation;

import io.losslake.federated.ClientState;
import java.util.List;
import java.util.Map;

/**
 * Everything a finished round leaves for its sink.
 *
 * @param metrics    the round's figures
 * @param clients    each sampled client's report: dispatched ones ascending by id, then those that sent nothing
 * @param states     the next state of each client that keeps one and whose update was accepted
 * @param checkpoint the run's state after the round
 */
public record RoundRecord(RoundMetrics metrics, List<ClientReport> clients, Map<Integer, ClientState> states, Checkpoint checkpoint) {
}
