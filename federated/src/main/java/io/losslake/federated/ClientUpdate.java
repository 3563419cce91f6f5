package io.losslake.federated;

import java.util.Map;

/**
 * What a client sends back after local training.
 *
 * @param clientId      the client
 * @param weights       its locally trained weights (flat, the model's parameter order)
 * @param numExamples   examples it trained on, the FedAvg weight
 * @param stepsTaken    optimiser steps taken
 * @param examplesProcessed examples fed through local training (examples x epochs, less for a straggler)
 * @param trainLoss     mean data loss over its local steps, example-weighted
 * @param computeNanos  wall time spent training (and evaluating, when asked)
 * @param extras        strategy-specific tensors for the server (SCAFFOLD's Delta c_i)
 * @param state         the client's state after the round (its control variate, personal layers)
 * @param partial       a straggler that did only part of its local work
 * @param metrics       evaluations made where the client trained
 */
public record ClientUpdate(int clientId, float[] weights, long numExamples, long stepsTaken, long examplesProcessed, double trainLoss,
                           long computeNanos,
                           Map<String, float[]> extras, ClientState state, boolean partial, ClientMetrics metrics)
        implements java.io.Serializable {

    /** An update with no extras, state or evaluations (tests, simple strategies). */
    public ClientUpdate(int clientId, float[] weights, long numExamples, long stepsTaken, double trainLoss, long computeNanos) {
        this(clientId, weights, numExamples, stepsTaken, numExamples, trainLoss, computeNanos, Map.of(), ClientState.EMPTY, false,
                ClientMetrics.NONE);
    }

    /** Whether every weight is a finite number. */
    public boolean isFinite() {
        for (float w : weights) {
            if (!Float.isFinite(w)) {
                return false;
            }
        }
        for (float[] extra : extras.values()) {
            for (float v : extra) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Evaluations of a client's models, NaN where not computed.
     *
     * @param localLoss               L_i(w_i): data loss of its trained model on its own training examples
     * @param sampleLoss              L(w_i): loss of its trained model on the run's global evaluation sample
     * @param personalAccuracy        accuracy of its trained (personalised) model on its held-out slice
     * @param globalHoldoutAccuracy   accuracy of the round's global model on its held-out slice
     */
    public record ClientMetrics(double localLoss, double sampleLoss, double personalAccuracy, double globalHoldoutAccuracy)
            implements java.io.Serializable {
        public static final ClientMetrics NONE = new ClientMetrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
}
