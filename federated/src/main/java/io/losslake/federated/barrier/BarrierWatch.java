package io.losslake.federated.barrier;

/**
 * Barriers measured during a federated run, and the {@code auto-barrier} layer policy built on
 * them. Every {@code every} rounds (every round under the policy) the round's seeded sample of
 * {@code clients} dispatched clients is compared, on a seeded sample of {@code sample} test
 * examples: the new global model against each client's trained model, and each pair of those
 * clients, the whole model and each layer block.
 *
 * <p>{@code auto-barrier}: after each round, a layer block whose mean layer barrier over the client
 * pairs (loss, both variants) exceeds {@code threshold} nats is kept local from the next round on,
 * like a personal layer, and is averaged again once that barrier falls below {@code release}; the
 * two thresholds keep a block from flapping between rounds.
 *
 * @param every     rounds between measurements, 0 for none (the policy measures every round)
 * @param clients   dispatched clients compared per measured round
 * @param grid      the alphas
 * @param sample    test examples evaluated
 * @param threshold the auto-barrier policy's threshold, NaN when the policy is off
 * @param release   below this a local block is averaged again
 */
public record BarrierWatch(int every, int clients, AlphaGrid grid, int sample, double threshold, double release) implements java.io.Serializable {
    public static final BarrierWatch OFF = new BarrierWatch(0, 2, AlphaGrid.MIDPOINT, 1000, Double.NaN, Double.NaN);

    public BarrierWatch {
        if (every < 0) {
            throw new IllegalArgumentException("Invalid --barriers-every " + every + ": expected 0 (never) or a number of rounds.");
        }
        if (clients < 1 || (autoPolicy(threshold) && clients < 2)) {
            throw new IllegalArgumentException("Invalid --barrier-clients " + clients + ": expected at least " + (autoPolicy(threshold) ? 2 : 1)
                    + (autoPolicy(threshold) ? " (the auto-barrier policy compares pairs of clients)." : "."));
        }
        if (sample < 1) {
            throw new IllegalArgumentException("Invalid --barrier-sample " + sample + ": expected at least 1 test example.");
        }
        if (autoPolicy(threshold)) {
            if (!(threshold > 0) || Double.isInfinite(threshold)) {
                throw new IllegalArgumentException("Invalid --barrier-threshold " + threshold + ": expected a positive number of nats.");
            }
            if (!(release >= 0 && release <= threshold)) {
                throw new IllegalArgumentException("Invalid --barrier-release " + release + ": expected a number of nats from 0 to --barrier-threshold ("
                        + threshold + ").");
            }
        }
    }

    private static boolean autoPolicy(double threshold) {
        return !Double.isNaN(threshold);
    }

    /** Whether the auto-barrier layer policy is on. */
    public boolean policy() {
        return autoPolicy(threshold);
    }

    /** Whether barriers are measured after {@code round}. */
    public boolean due(int round) {
        return policy() || (every > 0 && round % every == 0);
    }
}
