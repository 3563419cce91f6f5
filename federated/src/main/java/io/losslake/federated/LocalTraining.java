package io.losslake.federated;

import io.losslake.federated.model.OptimizerSpec;

/**
 * How a client trains in one round.
 *
 * @param epochs    passes over the client's examples
 * @param steps     if positive, a fixed number of optimiser steps instead of epochs
 * @param batchSize examples per step (the last step of an epoch may be smaller)
 * @param optimizer the local optimiser, reset every round
 */
public record LocalTraining(int epochs, int steps, int batchSize, OptimizerSpec optimizer) implements java.io.Serializable {
    public LocalTraining(int epochs, int batchSize, OptimizerSpec optimizer) {
        this(epochs, 0, batchSize, optimizer);
    }

    public LocalTraining {
        if (epochs < 1) {
            throw new IllegalArgumentException("Invalid --local-epochs " + epochs + ": expected at least 1.");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("Invalid --local-steps " + steps + ": expected 0 (use epochs) or a positive number of steps.");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("Invalid --batch-size " + batchSize + ": expected at least 1.");
        }
    }
}
