package io.losslake.data.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every scheme promises: each example dealt exactly once, and a pure function of the seed. */
class PartitionerContractTest {
    static Stream<Arguments> schemes() {
        return Stream.of(
                Arguments.of(new PartitionSpec("iid", 37, Map.of())),
                Arguments.of(new PartitionSpec("dirichlet", 37, Map.of("alpha", "0.3"))),
                Arguments.of(new PartitionSpec("dirichlet", 37, Map.of("alpha", "0.3", "self-balancing", "false", "min-size", "2"))),
                Arguments.of(new PartitionSpec("shards", 37, Map.of("classes-per-client", "2"))),
                Arguments.of(new PartitionSpec("quantity", 37, Map.of("alpha", "0.5"))),
                Arguments.of(new PartitionSpec("quantity", 37, Map.of("law", "power", "exponent", "1.2"))),
                Arguments.of(new PartitionSpec("feature-shift", 37, Map.of("noise", "0.1", "rotation", "15"))));
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void everyExampleIsDealtExactlyOnce(PartitionSpec spec) {
        for (PartitionInput input : new PartitionInput[] {Fixtures.balanced(5_000, 10), Fixtures.sorted(5_000, 10)}) {
            Partition p = spec.partitioner().partition(input, 11);
            assertThat(p.numClients()).isEqualTo(37);
            int[] seen = new int[input.size()];
            for (int[] client : p.clients()) {
                for (int i : client) {
                    seen[i]++;
                }
            }
            assertThat(seen).containsOnly(1);
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void isAPureFunctionOfTheSeed(PartitionSpec spec) {
        PartitionInput input = Fixtures.balanced(5_000, 10);
        Partition a = spec.partitioner().partition(input, 5);
        Partition b = spec.partitioner().partition(input, 5);
        Partition c = spec.partitioner().partition(input, 6);
        assertThat(a.clients()).isDeepEqualTo(b.clients());
        assertThat(Arrays.deepEquals(a.shifts(), b.shifts())).isTrue();
        assertThat(Arrays.deepEquals(a.clients(), c.clients())).isFalse();
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void scalesToTenThousandClientsOverSixtyThousandExamples(PartitionSpec spec) {
        Map<String, String> params = new java.util.TreeMap<>(spec.parameters());
        if (spec.scheme().equals("dirichlet")) {
            params.put("min-size", "0"); // 6 examples per client on average: tiny clients are the point
        }
        if (spec.scheme().equals("shards")) {
            params.put("classes-per-client", "1");
        }
        PartitionSpec big = new PartitionSpec(spec.scheme(), 10_000, params);
        PartitionInput input = Fixtures.balanced(60_000, 10);
        Partition p = big.partitioner().partition(input, 1);
        assertThat(p.numClients()).isEqualTo(10_000);
        assertThat(p.totalExamples()).isEqualTo(60_000);
    }
}
