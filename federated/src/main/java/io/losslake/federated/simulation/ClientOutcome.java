package io.losslake.federated.simulation;

import io.losslake.federated.ClientUpdate;
import java.util.Map;

/**
 * A dispatched client's result: its update and the norm of its step w_i - w.
 *
 * @param update     what it sent back; its weights and extras are left out (empty) when the executor summed them
 * @param updateNorm ||w_i - w||
 * @param finite     whether every weight and extra of the update is a finite number (else it is refused)
 */
public record ClientOutcome(ClientUpdate update, double updateNorm, boolean finite) implements java.io.Serializable {
    /** This outcome without the model's weights and the strategy's extras, once they are in a sum. */
    public ClientOutcome withoutWeights() {
        ClientUpdate u = update;
        return new ClientOutcome(new ClientUpdate(u.clientId(), new float[0], u.numExamples(), u.stepsTaken(), u.examplesProcessed(), u.trainLoss(),
                u.computeNanos(), Map.of(), u.state(), u.partial(), u.metrics()), updateNorm, finite);
    }
}
