package io.losslake.federated.simulation;

import io.losslake.federated.ClientState;

/**
 * One dispatched client's share of a round: which client, how much of its local work it does, and
 * the state it kept from earlier rounds. Travels with the client's task, so no task receives the
 * state of clients it does not train.
 *
 * @param clientId     the client
 * @param workFraction share of its local steps, in (0, 1]; below 1 for a straggler
 * @param state        its state from earlier rounds ({@link ClientState#EMPTY} when none)
 */
public record ClientWork(int clientId, double workFraction, ClientState state) implements java.io.Serializable {
    public ClientWork {
        if (!(workFraction > 0 && workFraction <= 1)) {
            throw new IllegalArgumentException("work fraction " + workFraction + " of client " + clientId + " is not in (0, 1]");
        }
    }
}
