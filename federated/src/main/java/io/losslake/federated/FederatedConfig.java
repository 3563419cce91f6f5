package io.losslake.federated;

import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.strategy.Strategies;

/**
 * One federated run's settings, validated on construction so that a bad value is reported before
 * any data is read or any Spark job starts.
 *
 * @param clients  simulated clients the training set is dealt to
 * @param rounds   communication rounds
 * @param model    model spelling, e.g. {@code mlp:200} (see {@link ModelSpec#parse})
 * @param local    local training per round
 * @param strategy aggregation strategy name
 * @param seed     the seed every random choice of the run derives from
 */
public record FederatedConfig(int clients, int rounds, String model, LocalTraining local, String strategy, long seed)
        implements java.io.Serializable {

    public FederatedConfig {
        if (clients < 1) {
            throw new IllegalArgumentException("Invalid --clients " + clients + ": expected at least 1 client.");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("Invalid --rounds " + rounds + ": expected at least 1 round.");
        }
        ModelSpec.parse(model, 1, 2); // the spelling alone; sizes are checked against the data later
        Strategies.validate(strategy, java.util.Map.of());
    }

    /** The model for inputs of {@code features} values and {@code classes} classes. */
    public ModelSpec modelFor(int features, int classes) {
        return ModelSpec.parse(model, features, classes);
    }
}
