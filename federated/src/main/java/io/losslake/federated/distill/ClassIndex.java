package io.losslake.federated.distill;

import io.losslake.data.ClientData;
import java.util.Random;

/** A client's example positions grouped by class, and random draws from a class. */
final class ClassIndex {
    final int[][] positions;

    ClassIndex(ClientData data) {
        int classes = data.numClasses();
        int[] counts = new int[classes];
        for (int i = 0; i < data.size(); i++) {
            counts[data.label(i)]++;
        }
        positions = new int[classes][];
        for (int c = 0; c < classes; c++) {
            positions[c] = new int[counts[c]];
        }
        int[] at = new int[classes];
        for (int i = 0; i < data.size(); i++) {
            int c = data.label(i);
            positions[c][at[c]++] = i;
        }
    }

    int count(int c) {
        return positions[c].length;
    }

    /** {@code k} distinct positions of class c (k at most its count), a partial Fisher-Yates shuffle of {@code scratch}. */
    int[] draw(int c, int k, Random rng) {
        int[] pool = positions[c].clone();
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        return java.util.Arrays.copyOf(pool, k);
    }

    /** Per class, min(ipc, count): a class the client lacks gets no synthetic example, a scarce one as many as it has. */
    int[] budget(int ipc) {
        int[] k = new int[positions.length];
        for (int c = 0; c < k.length; c++) {
            k[c] = Math.min(ipc, count(c));
        }
        return k;
    }
}
