package io.losslake.data.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IidPartitionerTest {
    private static int[] labels(int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        return labels;
    }

    @Test
    void assignsEveryExampleExactlyOnceWithSizesDifferingByAtMostOne() {
        Partition p = new IidPartitioner(7).partition(labels(1000, 10), 10, 3);
        assertThat(p.numClients()).isEqualTo(7);
        int[] owner = p.clientOf(1000);
        assertThat(owner).doesNotContain(-1);
        assertThat(p.totalExamples()).isEqualTo(1000);
        int[] sizes = Arrays.stream(p.clients()).mapToInt(c -> c.length).toArray();
        assertThat(Arrays.stream(sizes).max().getAsInt() - Arrays.stream(sizes).min().getAsInt()).isLessThanOrEqualTo(1);
        for (int[] client : p.clients()) {
            assertThat(client).isSorted();
        }
    }

    @Test
    void isAPureFunctionOfTheSeed() {
        int[] labels = labels(500, 10);
        Partition a = new IidPartitioner(5).partition(labels, 10, 42);
        Partition b = new IidPartitioner(5).partition(labels, 10, 42);
        Partition c = new IidPartitioner(5).partition(labels, 10, 43);
        assertThat(a.clients()).isDeepEqualTo(b.clients());
        assertThat(Arrays.deepEquals(a.clients(), c.clients())).isFalse();
    }

    @Test
    void clientLabelMixMatchesTheGlobalOne() {
        // 10 clients of 6,000 from a balanced 10-class set: each class share should be near 10%.
        Partition p = new IidPartitioner(10).partition(labels(60_000, 10), 10, 1);
        int[] labels = labels(60_000, 10);
        for (int[] client : p.clients()) {
            int[] hist = new int[10];
            for (int i : client) {
                hist[labels[i]]++;
            }
            for (int count : hist) {
                // binomial sd = sqrt(6000 * 0.1 * 0.9) ~ 23; 6 sd
                assertThat(count).isBetween(600 - 140, 600 + 140);
            }
        }
    }

    @Test
    void rejectsNonPositiveClientsAndMoreClientsThanExamples() {
        assertThatThrownBy(() -> new IidPartitioner(0)).hasMessageContaining("at least 1 (got 0)");
        assertThatThrownBy(() -> new IidPartitioner(11).partition(labels(10, 2), 2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot deal 10 examples to 11 clients");
    }
}
