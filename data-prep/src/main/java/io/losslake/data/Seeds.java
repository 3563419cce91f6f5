package io.losslake.data;

/**
 * Derives independent seeds from a run seed and a path of ids (round, client, purpose), so every
 * random choice in a run is a pure function of the run seed and where it is made, never of
 * scheduling order. Uses the SplitMix64 finaliser, whose output passes BigCrush.
 */
public final class Seeds {
    private Seeds() {
    }

    /** A seed for the stream identified by {@code keys} under {@code seed}. */
    public static long derive(long seed, long... keys) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long k : keys) {
            h = mix(h + 0x9E3779B97F4A7C15L * (k + 1));
        }
        return h;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Shuffles {@code values} in place (Fisher-Yates) with a generator seeded by {@code seed}. */
    public static void shuffle(int[] values, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }
}
