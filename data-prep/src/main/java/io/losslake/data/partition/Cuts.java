package io.losslake.data.partition;

import java.util.Arrays;

/** Integer splitting shared by the partitioners. */
final class Cuts {
    private Cuts() {
    }

    /** Cuts {@code items} into consecutive pieces of the given sizes (which must sum to at most its length). */
    static int[][] pieces(int[] items, int[] sizes) {
        int[][] out = new int[sizes.length][];
        int from = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = Arrays.copyOfRange(items, from, from + sizes[i]);
            from += sizes[i];
        }
        return out;
    }

    /** {@code total} split into {@code parts} sizes differing by at most one, larger ones first. */
    static int[] even(int total, int parts) {
        int[] sizes = new int[parts];
        for (int i = 0; i < parts; i++) {
            sizes[i] = total / parts + (i < total % parts ? 1 : 0);
        }
        return sizes;
    }

    /**
     * {@code total} split in proportion to {@code weights} by the largest-remainder method: sizes
     * sum to exactly {@code total}, each within one of its exact share.
     */
    static int[] proportional(int total, double[] weights) {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        int[] sizes = new int[weights.length];
        double[] remainders = new double[weights.length];
        int assigned = 0;
        for (int i = 0; i < weights.length; i++) {
            double exact = total * weights[i] / sum;
            sizes[i] = (int) Math.floor(exact);
            remainders[i] = exact - sizes[i];
            assigned += sizes[i];
        }
        Integer[] order = new Integer[weights.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> remainders[a] != remainders[b] ? Double.compare(remainders[b], remainders[a]) : Integer.compare(a, b));
        for (int k = 0; assigned < total; k = (k + 1) % order.length) {
            sizes[order[k]]++;
            assigned++;
        }
        return sizes;
    }

    static int[] range(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
