package io.losslake.federated.simulation;

import io.losslake.federated.ClientFailure;
import java.util.List;

/**
 * One round, decided before any client trains: who was sampled, who dropped out or straggles, what
 * each dispatched client does, and what they all share. Immutable; a pure function of the run's
 * settings and seed, the round, the global model, the server state and the clients' stored state.
 *
 * @param sampled    the sampled clients, ascending
 * @param work       the dispatched clients' work, ascending by client id
 * @param failures   sampled clients that will send nothing (dropped, or stragglers when stragglers are dropped), ascending
 * @param straggling sampled clients that straggle (whether their partial work is kept or not)
 * @param input      what the dispatched clients share
 * @param evaluate   whether the global model is evaluated on the test split after this round
 */
public record RoundPlan(int[] sampled, List<ClientWork> work, List<ClientFailure> failures, int straggling, RoundInput input, boolean evaluate) {
    public RoundPlan {
        work = List.copyOf(work);
        failures = List.copyOf(failures);
    }

    public int round() {
        return input.round();
    }

    /** This plan with each dispatched client's stored state (clients absent from {@code states} start empty). */
    public RoundPlan withStates(java.util.Map<Integer, io.losslake.federated.ClientState> states) {
        List<ClientWork> withState = work.stream()
                .map(w -> new ClientWork(w.clientId(), w.workFraction(), states.getOrDefault(w.clientId(), io.losslake.federated.ClientState.EMPTY)))
                .toList();
        return new RoundPlan(sampled, withState, failures, straggling, input, evaluate);
    }

    /** The dispatched clients' ids, ascending. */
    public int[] dispatched() {
        return work.stream().mapToInt(ClientWork::clientId).toArray();
    }
}
