package io.losslake.federated.distill;

import io.losslake.data.ClientData;
import java.util.Random;

/**
 * Representative initialisation: per class, Lloyd's k-means (k-means++ seeding, 20 rounds) over at
 * most 2,000 of the class's images, and for each centre the real image nearest to it (distinct).
 */
final class KMeans {
    private static final int SAMPLE = 2000;
    private static final int ROUNDS = 20;

    private KMeans() {
    }

    /** {@code k} positions (indices into data) of class images nearest the k centres. */
    static int[] representatives(ClientData data, int[] classPositions, int k, Random rng) {
        if (k == 0) {
            return new int[0];
        }
        int[] pool = classPositions.clone();
        for (int i = pool.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        int m = Math.min(SAMPLE, pool.length);
        int d = data.featureSize();
        float[] x = new float[m * d];
        for (int i = 0; i < m; i++) {
            data.copyFeatures(pool[i], x, i * d);
        }
        double[] centres = new double[k * d];
        double[] nearest = new double[m];
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int first = rng.nextInt(m);
        for (int c = 0; c < k; c++) {
            int pick = first;
            if (c > 0) {
                double total = 0;
                for (double v : nearest) {
                    total += v;
                }
                double u = rng.nextDouble() * total;
                for (pick = 0; pick < m - 1 && (u -= nearest[pick]) > 0; pick++) {
                    // walk to the drawn image
                }
            }
            for (int f = 0; f < d; f++) {
                centres[c * d + f] = x[pick * d + f];
            }
            for (int i = 0; i < m; i++) {
                nearest[i] = Math.min(nearest[i], distance(x, i, centres, c, d));
            }
        }
        int[] assign = new int[m];
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < m; i++) {
                double best = Double.POSITIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    double dist = distance(x, i, centres, c, d);
                    if (dist < best) {
                        best = dist;
                        assign[i] = c;
                    }
                }
            }
            double[] sums = new double[k * d];
            int[] counts = new int[k];
            for (int i = 0; i < m; i++) {
                counts[assign[i]]++;
                for (int f = 0; f < d; f++) {
                    sums[assign[i] * d + f] += x[i * d + f];
                }
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] > 0) {
                    for (int f = 0; f < d; f++) {
                        centres[c * d + f] = sums[c * d + f] / counts[c];
                    }
                }
            }
        }
        int[] out = new int[k];
        boolean[] used = new boolean[m];
        for (int c = 0; c < k; c++) {
            double best = Double.POSITIVE_INFINITY;
            int pick = -1;
            for (int i = 0; i < m; i++) {
                double dist = distance(x, i, centres, c, d);
                if (!used[i] && dist < best) {
                    best = dist;
                    pick = i;
                }
            }
            used[pick] = true;
            out[c] = pool[pick];
        }
        return out;
    }

    private static double distance(float[] x, int i, double[] centres, int c, int d) {
        double s = 0;
        for (int f = 0; f < d; f++) {
            double e = x[i * d + f] - centres[c * d + f];
            s += e * e;
        }
        return s;
    }
}
