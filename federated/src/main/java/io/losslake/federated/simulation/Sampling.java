package io.losslake.federated.simulation;

import io.losslake.data.Seeds;
import io.losslake.federated.Streams;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Which clients take part in a round, and how each one fares: pure functions of (seed, round, client). */
public final class Sampling {
    private Sampling() {
    }

    /** {@code m} of {@code available} without replacement, seeded by (seed, round), ascending. */
    public static int[] sample(int[] available, int m, long seed, int round) {
        if (m >= available.length) {
            return available.clone();
        }
        int[] pool = available.clone();
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, Streams.SAMPLING, round));
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        int[] chosen = Arrays.copyOf(pool, m);
        Arrays.sort(chosen);
        return chosen;
    }

    /**
     * The share of its local work a sampled client completes: 0 if it drops out, a value in
     * [0.1, 1) if it straggles, 1 otherwise.
     */
    public static double workFraction(long seed, int round, int client, double dropout, double straggle) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, Streams.FATE, round, client));
        double u = random.nextDouble();
        double v = random.nextDouble();
        double w = random.nextDouble();
        if (u < dropout) {
            return 0;
        }
        if (v < straggle) {
            return 0.1 + 0.9 * w;
        }
        return 1;
    }
}
