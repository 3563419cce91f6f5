package io.losslake.data.partition;

/** Checks shared by the partitioners. */
final class Partitioners {
    private Partitioners() {
    }

    static void requireClients(int numClients) {
        if (numClients < 1) {
            throw new IllegalArgumentException("Invalid --clients " + numClients + ": expected at least 1 client.");
        }
    }
}
