package io.losslake.federated;

/**
 * A sampled client whose update did not arrive or was refused.
 *
 * @param clientId the client
 * @param reason   {@link #DROPPED} (simulated dropout), {@link #STRAGGLER} (too slow, when stragglers
 *                 are dropped) or {@link #REJECTED} (its update held NaN or infinity)
 */
public record ClientFailure(int clientId, String reason) implements java.io.Serializable {
    public static final String DROPPED = "dropped";
    public static final String STRAGGLER = "straggler";
    public static final String REJECTED = "rejected";
}
