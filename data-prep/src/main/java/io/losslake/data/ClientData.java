package io.losslake.data;

/**
 * One client's examples as a trainer sees them: a numbered set of (features, label). Features are
 * copied out row by row into the caller's batch buffer, so implementations may keep them however
 * is cheapest (bytes of a broadcast image set, or one contiguous float array).
 */
public interface ClientData {
    int clientId();

    /** Examples held. */
    int size();

    /** Values per example. */
    int featureSize();

    int numClasses();

    /** Label of the {@code i}-th example, in {@code [0, numClasses)}. */
    int label(int i);

    /** Writes the {@code i}-th example's features into {@code dst} from {@code offset}. */
    void copyFeatures(int i, float[] dst, int offset);

    /** A view of the examples at {@code positions} (indices into this client's examples). */
    default ClientData subset(int[] positions) {
        ClientData base = this;
        return new ClientData() {
            @Override
            public int clientId() {
                return base.clientId();
            }

            @Override
            public int size() {
                return positions.length;
            }

            @Override
            public int featureSize() {
                return base.featureSize();
            }

            @Override
            public int numClasses() {
                return base.numClasses();
            }

            @Override
            public int label(int i) {
                return base.label(positions[i]);
            }

            @Override
            public void copyFeatures(int i, float[] dst, int offset) {
                base.copyFeatures(positions[i], dst, offset);
            }
        };
    }

    /**
     * Splits off a seeded held-out slice: {@code floor(fraction * size)} examples (at least one when
     * the fraction is positive and the client has two or more), the rest for training.
     *
     * @return {training, held out}
     */
    default ClientData[] holdOut(double fraction, long seed) {
        int n = size();
        int held = fraction <= 0 || n < 2 ? 0 : Math.min(n - 1, Math.max(1, (int) Math.floor(fraction * n)));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Seeds.shuffle(order, seed);
        int[] test = java.util.Arrays.copyOfRange(order, 0, held);
        int[] train = java.util.Arrays.copyOfRange(order, held, n);
        java.util.Arrays.sort(test);
        java.util.Arrays.sort(train);
        return new ClientData[] {held == 0 ? this : subset(train), subset(test)};
    }
}
