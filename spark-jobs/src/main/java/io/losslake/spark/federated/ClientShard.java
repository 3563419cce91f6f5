package io.losslake.spark.federated;

/**
 * One simulated client as a Spark record: its id and the indices of its examples in the broadcast
 * training set. Small, so a task carries it for free.
 */
public record ClientShard(int clientId, int[] examples) implements java.io.Serializable {
}
