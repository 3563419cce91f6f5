package io.losslake.federated.strategy;

import java.util.function.IntFunction;

/**
 * The one order in which a round's client terms are added: pairwise over the dispatched clients
 * in ascending id order, each range [lo, hi) split at lo plus the largest power of two below its
 * length. Every aligned block [k 2^j, min((k + 1) 2^j, n)) is a node of this tree, so whoever adds
 * up such blocks (a Spark task, a thread) hands over exactly the partial sums the tree would form:
 * the total is the same double whatever the grouping. (Pairwise sums are also more accurate than
 * adding in a row: their error grows with log n, not n.)
 */
public final class SumTree {
    private SumTree() {
    }

    /**
     * The tree's sum of leaves [lo, hi).
     *
     * @param leaf  leaf i's sum ({@link LinearAggregation.Sum#EMPTY} for a client that contributes nothing), in a
     *              fresh array: the tree adds into it
     * @param known precomputed subtree sums (fresh arrays too), or null: asked for every node before it is descended into
     */
    public static LinearAggregation.Sum sum(int lo, int hi, IntFunction<LinearAggregation.Sum> leaf, Known known) {
        if (hi <= lo) {
            return LinearAggregation.Sum.EMPTY;
        }
        if (known != null) {
            LinearAggregation.Sum given = known.sum(lo, hi);
            if (given != null) {
                return given;
            }
        }
        if (hi - lo == 1) {
            return leaf.apply(lo);
        }
        int mid = split(lo, hi);
        return sum(lo, mid, leaf, known).merge(sum(mid, hi, leaf, known));
    }

    /** Where the tree splits [lo, hi), hi - lo at least 2. */
    public static int split(int lo, int hi) {
        return lo + Integer.highestOneBit(hi - lo - 1);
    }

    /** The aligned blocks of {@code size} (a power of two) covering [0, n), as {lo, hi} pairs: nodes of the tree. */
    public static int[][] blocks(int n, int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("block size " + size + " is not a power of two");
        }
        int[][] out = new int[(n + size - 1) / size][];
        for (int b = 0; b < out.length; b++) {
            out[b] = new int[] {b * size, Math.min(n, (b + 1) * size)};
        }
        return out;
    }

    /** Subtree sums someone already formed. */
    @FunctionalInterface
    public interface Known {
        /** The sum of [lo, hi), or null when not known. */
        LinearAggregation.Sum sum(int lo, int hi);
    }
}
