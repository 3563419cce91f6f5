package io.losslake.federated.simulation;

import io.losslake.federated.ClientUpdate;

/**
 * How one sampled client fared in a round.
 *
 * @param clientId   the client
 * @param status     {@code ok}, {@code partial} (a straggler's kept partial work), {@code rejected} (NaN or
 *                   infinity in its update), {@code dropped} or {@code straggler} (a dropped straggler)
 * @param update     what it sent, or null when it sent nothing (dropped, straggler)
 * @param updateNorm ||w_i - w||, NaN when it sent nothing
 */
public record ClientReport(int clientId, String status, ClientUpdate update, double updateNorm) {
    public static final String OK = "ok";
    public static final String PARTIAL = "partial";
}
