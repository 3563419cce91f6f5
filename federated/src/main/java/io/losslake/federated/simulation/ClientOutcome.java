package io.losslake.federated.simulation;

import io.losslake.federated.ClientUpdate;

/**
 * A dispatched client's result: its update and the norm of its step w_i - w.
 *
 * @param update     what it sent back
 * @param updateNorm ||w_i - w||
 */
public record ClientOutcome(ClientUpdate update, double updateNorm) implements java.io.Serializable {
}
