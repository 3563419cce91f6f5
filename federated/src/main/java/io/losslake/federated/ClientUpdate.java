package io.losslake.federated;

/**
 * What a client sends back after local training.
 *
 * @param clientId      the client
 * @param weights       its locally trained weights (flat, the model's parameter order)
 * @param numExamples   examples it holds, the FedAvg weight
 * @param stepsTaken    optimiser steps taken
 * @param trainLoss     mean training loss over its local steps, example-weighted
 * @param computeNanos  wall time spent training
 */
public record ClientUpdate(int clientId, float[] weights, long numExamples, long stepsTaken, double trainLoss, long computeNanos)
        implements java.io.Serializable {

    /** Examples processed by training: every local epoch counts each example once. */
    public long examplesProcessed(int epochs) {
        return numExamples * epochs;
    }
}
