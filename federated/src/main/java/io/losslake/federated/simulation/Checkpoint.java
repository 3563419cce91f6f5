package io.losslake.federated.simulation;

import io.losslake.federated.strategy.ServerState;

/**
 * A run's state after a completed round: all the round loop needs to continue as if it had never
 * stopped.
 *
 * @param round      the completed round
 * @param weights    the global weights after it
 * @param state      the strategy's server state after it
 * @param trainFlops training FLOPs of every round up to it
 */
public record Checkpoint(int round, float[] weights, ServerState state, double trainFlops) {
}
