package io.losslake.federated;

/**
 * A sampled client whose update did not arrive or was refused.
 *
 * @param clientId the client
 * @param reason   {@code dropped} (simulated dropout), {@code straggler} (too slow, when stragglers
 *                 are dropped) or {@code rejected} (its update held NaN or infinity)
 */
public record ClientFailure(int clientId, String reason) implements java.io.Serializable {
}
