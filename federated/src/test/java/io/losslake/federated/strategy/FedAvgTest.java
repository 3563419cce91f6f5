package io.losslake.federated.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.losslake.federated.ClientUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

class FedAvgTest {
    private static ClientUpdate update(int id, long n, float... weights) {
        return new ClientUpdate(id, weights, n, 1, 0.0, 0);
    }

    @Test
    void weightsEachClientByItsExampleCount() {
        // (1*[1,2] + 1*[3,4] + 2*[5,6]) / 4 = [14/4, 18/4]
        List<ClientUpdate> updates = List.of(update(0, 1, 1, 2), update(1, 1, 3, 4), update(2, 2, 5, 6));
        AggregationStrategy.Result result = new FedAvg().aggregate(1, new float[] {0, 0}, updates, List.of(), ServerState.EMPTY);
        assertThat(result.weights()).containsExactly(3.5f, 4.5f);
        assertThat(result.state()).isSameAs(ServerState.EMPTY);
    }

    @Test
    void aSingleClientIsCopiedAndEqualCountsGiveThePlainMean() {
        assertThat(new FedAvg().aggregate(1, new float[1], List.of(update(4, 17, -2.5f)), List.of(), ServerState.EMPTY).weights())
                .containsExactly(-2.5f);
        float[] mean = new FedAvg().aggregate(1, new float[3],
                List.of(update(0, 5, 1, 0, 0), update(1, 5, 0, 1, 0), update(2, 5, 0, 0, 1)), List.of(), ServerState.EMPTY).weights();
        assertThat(mean[0]).isCloseTo(1f / 3, within(1e-7f));
        assertThat(mean[1]).isCloseTo(1f / 3, within(1e-7f));
    }

    @Test
    void accumulatesInDoubleSoManySmallContributionsAreNotLost() {
        // 1e8 in float plus 1 is 1e8; in double the mean of [1e8, 1, 1, 1] is (1e8+3)/4 exactly representable-ish.
        List<ClientUpdate> updates = List.of(update(0, 1, 1e8f), update(1, 1, 1f), update(2, 1, 1f), update(3, 1, 1f));
        float mean = new FedAvg().aggregate(1, new float[1], updates, List.of(), ServerState.EMPTY).weights()[0];
        assertThat(mean).isEqualTo((float) ((1e8 + 3) / 4));
    }

    @Test
    void rejectsMismatchedLengthsAndZeroTotalWeight() {
        assertThatThrownBy(() -> Aggregates.weightedMean(List.of(new float[2], new float[3]), new double[] {1, 1}))
                .hasMessageContaining("vector 1 has length 3, expected 2");
        assertThatThrownBy(() -> Aggregates.weightedMean(List.of(new float[2]), new double[] {0}))
                .hasMessageContaining("positive total");
        assertThatThrownBy(() -> Aggregates.weightedMean(List.of(), new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void strategiesAreFoundByNameCaseInsensitively() {
        Strategies.Context context = new Strategies.Context(3, new io.losslake.federated.ParamLayout(
                List.of(new io.losslake.federated.ParamLayout.Tensor("0_W", 0, 0, 2))));
        assertThat(Strategies.create("FedAvg", java.util.Map.of(), context)).isInstanceOf(FedAvg.class);
        assertThatThrownBy(() -> Strategies.create("fedsgdx", java.util.Map.of(), context))
                .hasMessageStartingWith("Invalid --strategy 'fedsgdx': expected one of fedavg, fedprox");
    }
}
