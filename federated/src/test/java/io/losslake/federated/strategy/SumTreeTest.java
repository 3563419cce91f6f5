package io.losslake.federated.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SumTreeTest {
    private static void nodes(int lo, int hi, Set<Long> out) {
        out.add(((long) lo << 32) | hi);
        if (hi - lo > 1) {
            int mid = SumTree.split(lo, hi);
            nodes(lo, mid, out);
            nodes(mid, hi, out);
        }
    }

    @Test
    void everyAlignedBlockIsANodeOfTheTree() {
        for (int n = 1; n <= 300; n++) {
            Set<Long> tree = new HashSet<>();
            nodes(0, n, tree);
            for (int size = 1; size <= 512; size *= 2) {
                for (int[] b : SumTree.blocks(n, size)) {
                    assertThat(tree).as("n=%d block [%d, %d)", n, b[0], b[1]).contains(((long) b[0] << 32) | b[1]);
                }
            }
        }
    }

    @Test
    void blockSumsFormedApartGiveTheTreesTotalBitForBit() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 37;
        double[][] leaves = new double[n][5];
        for (double[] leaf : leaves) {
            for (int j = 0; j < leaf.length; j++) {
                leaf[j] = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-6, 6));
            }
        }
        LinearAggregation.Sum whole = SumTree.sum(0, n, i -> sum(leaves[i]), null);
        for (int size : List.of(1, 2, 4, 8, 16, 32, 64)) {
            Map<Long, LinearAggregation.Sum> blocks = new HashMap<>();
            for (int[] b : SumTree.blocks(n, size)) {
                blocks.put(((long) b[0] << 32) | b[1], SumTree.sum(b[0], b[1], i -> sum(leaves[i]), null));
            }
            LinearAggregation.Sum assembled = SumTree.sum(0, n, i -> {
                throw new AssertionError("leaf " + i + " asked for although its block is known");
            }, (lo, hi) -> blocks.remove(((long) lo << 32) | hi));
            assertThat(assembled.values()).as("blocks of %d", size).containsExactly(whole.values());
            assertThat(assembled.count()).isEqualTo(n);
        }
        // a client that contributes nothing leaves the others' sum as it is
        LinearAggregation.Sum withHole = SumTree.sum(0, 3, i -> i == 1 ? LinearAggregation.Sum.EMPTY : sum(leaves[i]), null);
        for (int j = 0; j < 5; j++) {
            assertThat(withHole.values()[j]).isEqualTo(leaves[0][j] + leaves[2][j]);
        }
        assertThat(withHole.count()).isEqualTo(2);
    }

    private static LinearAggregation.Sum sum(double[] leaf) {
        return new LinearAggregation.Sum(leaf.clone(), 1, 1);
    }
}
