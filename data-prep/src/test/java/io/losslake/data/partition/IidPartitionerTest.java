package io.losslake.data.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IidPartitionerTest {
    @Test
    void sizesDifferByAtMostOne() {
        Partition p = new IidPartitioner(7).partition(Fixtures.balanced(1000, 10), 3);
        int[] sizes = Arrays.stream(p.clients()).mapToInt(c -> c.length).toArray();
        assertThat(Arrays.stream(sizes).max().getAsInt() - Arrays.stream(sizes).min().getAsInt()).isLessThanOrEqualTo(1);
    }

    @Test
    void clientLabelMixMatchesTheGlobalOne() {
        PartitionInput input = Fixtures.balanced(60_000, 10);
        Partition p = new IidPartitioner(10).partition(input, 1);
        PartitionStats.Summary summary = PartitionStats.summary(PartitionStats.clients(p, input.labels(), 10), input.labels(), 10);
        // 6,000 per client: the binomial noise of a class share is ~0.4%, so TV stays around 1%
        assertThat(summary.maxTvDistance()).isLessThan(0.03);
        assertThat(summary.meanLabelsPresent()).isEqualTo(10.0);
    }

    @Test
    void rejectsNonPositiveClientsAndMoreClientsThanExamples() {
        assertThatThrownBy(() -> new IidPartitioner(0)).hasMessage("Invalid --clients 0: expected at least 1 client.");
        assertThatThrownBy(() -> new IidPartitioner(11).partition(Fixtures.balanced(10, 2), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot deal 10 examples to 11 clients");
    }
}
