package io.losslake.federated;

import io.losslake.federated.model.OptimizerSpec;

/**
 * How a client trains in one round.
 *
 * @param epochs    passes over the client's examples
 * @param steps     if positive, a fixed number of optimiser steps instead of epochs
 * @param batchSize examples per step (the last step of an epoch may be smaller)
 * @param optimizer the local optimiser, reset every round
 * @param trainer   {@code fused} (MLPs and the CNN through {@link io.losslake.federated.fused.FusedNetwork}s,
 *                  DL4J's layout and update rules on Java arrays and OpenBLAS) or {@code dl4j}
 * @param schedule  how the optimiser's rate moves over the run, in rounds for federated clients (see
 *                  {@link #atRound(int)}) and in steps for centralised training
 */
public record LocalTraining(int epochs, int steps, int batchSize, OptimizerSpec optimizer, String trainer, LearningRateSchedule schedule)
        implements java.io.Serializable {
    public LocalTraining(int epochs, int steps, int batchSize, OptimizerSpec optimizer, String trainer) {
        this(epochs, steps, batchSize, optimizer, trainer, LearningRateSchedule.CONSTANT);
    }

    public LocalTraining(int epochs, int batchSize, OptimizerSpec optimizer) {
        this(epochs, 0, batchSize, optimizer, "fused");
    }

    public LocalTraining(int epochs, int steps, int batchSize, OptimizerSpec optimizer) {
        this(epochs, steps, batchSize, optimizer, "fused");
    }

    /** Whether {@code spec} trains on the fused path. */
    public boolean fusedFor(io.losslake.federated.model.ModelSpec spec) {
        return "fused".equals(trainer) && io.losslake.federated.fused.FusedNetworks.supports(spec);
    }

    public LocalTraining {
        schedule = schedule == null ? LearningRateSchedule.CONSTANT : schedule;
        if (epochs < 1) {
            throw new IllegalArgumentException("Invalid --local-epochs " + epochs + ": expected at least 1.");
        }
        if (!"fused".equals(trainer) && !"dl4j".equals(trainer)) {
            throw new IllegalArgumentException("Invalid --trainer '" + trainer + "': expected fused (fast path for MLPs and the CNN) or dl4j.");
        }
        if ("dl4j".equals(trainer) && !optimizer.dl4jTrainable()) {
            throw new IllegalArgumentException("Invalid --optimizer momentum with --trainer dl4j: DL4J has no heavy-ball momentum; use --trainer fused or --optimizer nesterov.");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("Invalid --local-steps " + steps + ": expected 0 (use epochs) or a positive number of steps.");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("Invalid --batch-size " + batchSize + ": expected at least 1.");
        }
    }

    /**
     * The local training of round {@code round} (1-based) under a per-round schedule: the optimiser's
     * rate scaled by the schedule's factor for round - 1; this object itself when the rate is constant.
     */
    public LocalTraining atRound(int round) {
        if (schedule.isConstant()) {
            return this;
        }
        double factor = schedule.factor(round - 1L);
        return new LocalTraining(epochs, steps, batchSize,
                new OptimizerSpec(optimizer.name(), optimizer.learningRate() * factor, optimizer.momentum()), trainer, schedule);
    }
}
