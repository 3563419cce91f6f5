package io.losslake.federated.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.losslake.federated.ClientProgram;
import io.losslake.federated.ClientState;
import io.losslake.federated.ClientUpdate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every server rule against numbers worked out by hand. */
class ServerOptimisersTest {
    private static ClientUpdate update(int id, long n, float... w) {
        return new ClientUpdate(id, w, n, 1, 0, 0);
    }

    @Test
    void fedAvgMAddsServerMomentumToThePseudoGradient() {
        FedAvgM m = new FedAvgM(1.0, 0.5);
        // FedAvg of [2] (n=1) and [4] (n=3) is 3.5; pseudo-gradient 1 - 3.5 = -2.5; v = -2.5; w = 1 + 2.5 = 3.5
        AggregationStrategy.Result r1 = m.aggregate(1, new float[] {1}, List.of(update(0, 1, 2), update(1, 3, 4)), List.of(), ServerState.EMPTY);
        assertThat(r1.weights()[0]).isEqualTo(3.5f);
        // next round from 3.5 the clients average 4: d = -0.5; v = 0.5 * -2.5 - 0.5 = -1.75; w = 3.5 + 1.75 = 5.25
        AggregationStrategy.Result r2 = m.aggregate(2, r1.weights(), List.of(update(0, 1, 4)), List.of(), r1.state());
        assertThat(r2.weights()[0]).isEqualTo(5.25f);
    }

    @Test
    void fedOptFollowsReddiEtAlAlgorithm2() {
        float[] w = {0f};
        // Delta = uniform mean of (1 - 0) and (3 - 0) = 2, although the example counts differ
        List<ClientUpdate> ups = List.of(update(0, 1, 1), update(1, 100, 3));
        double tau = 0.001;
        FedOpt adam = new FedOpt(FedOpt.Variant.ADAM, 0.1, 0.9, 0.99, tau);
        AggregationStrategy.Result a = adam.aggregate(1, w, ups, List.of(), adam.initialState(w));
        double m = 0.1 * 2;
        double v = 0.99 * tau * tau + 0.01 * 4;
        assertThat((double) a.weights()[0]).isCloseTo(0.1 * m / (Math.sqrt(v) + tau), within(1e-6));

        FedOpt yogi = new FedOpt(FedOpt.Variant.YOGI, 0.01, 0.9, 0.99, tau);
        AggregationStrategy.Result y = yogi.aggregate(1, w, ups, List.of(), yogi.initialState(w));
        double vy = tau * tau - 0.01 * 4 * Math.signum(tau * tau - 4); // = tau^2 + 0.04
        assertThat((double) y.weights()[0]).isCloseTo(0.01 * 0.2 / (Math.sqrt(vy) + tau), within(1e-7));

        FedOpt adagrad = new FedOpt(FedOpt.Variant.ADAGRAD, 0.1, 0, 0, tau);
        AggregationStrategy.Result g1 = adagrad.aggregate(1, w, ups, List.of(), adagrad.initialState(w));
        assertThat((double) g1.weights()[0]).isCloseTo(0.1 * 2 / (Math.sqrt(tau * tau + 4) + tau), within(1e-6));
        // second round: v accumulates
        float w1 = g1.weights()[0];
        AggregationStrategy.Result g2 = adagrad.aggregate(2, g1.weights(), List.of(update(0, 1, w1 + 1)), List.of(), g1.state());
        assertThat((double) g2.weights()[0]).isCloseTo(w1 + 0.1 * 1 / (Math.sqrt(tau * tau + 4 + 1) + tau), within(1e-5));
    }

    @Test
    void medianAndTrimmedMeanWorkPerCoordinate() {
        List<ClientUpdate> ups = List.of(update(0, 1, 1, 10), update(1, 1, 2, -5), update(2, 1, 100, 0), update(3, 1, 4, 1));
        // coordinate 0: 1, 2, 4, 100 -> median 3; coordinate 1: -5, 0, 1, 10 -> median 0.5
        assertThat(new FedMedian().aggregate(1, new float[2], ups, List.of(), ServerState.EMPTY).weights()).containsExactly(3f, 0.5f);
        // trim 0.25 of 4 = 1 from each end: mean of the middle two, the same here
        assertThat(new FedTrimmedAvg(0.25).aggregate(1, new float[2], ups, List.of(), ServerState.EMPTY).weights()).containsExactly(3f, 0.5f);
        // trim 0.2 of 4 = 0: the plain mean
        assertThat(new FedTrimmedAvg(0.2).aggregate(1, new float[2], ups, List.of(), ServerState.EMPTY).weights()).containsExactly(26.75f, 1.5f);
        // a round reduced to two clients cannot trim: their mean
        assertThat(new FedTrimmedAvg(0.4).aggregate(1, new float[2], ups.subList(0, 2), List.of(), ServerState.EMPTY).weights())
                .containsExactly(1.5f, 2.5f);
        assertThatThrownBy(() -> new FedTrimmedAvg(0.5)).hasMessageContaining("--trim 0.5");
    }

    @Test
    void scaffoldUpdatesControlVariatesAsOptionTwo() {
        Scaffold scaffold = new Scaffold(1.0, 4);
        float[] x = {1f, 2f};
        ServerState s0 = scaffold.initialState(x);
        ServerState withC = new ServerState(Map.of(Scaffold.SERVER_VARIATE, new float[] {0.5f, -0.5f}), Map.of());
        ClientProgram program = scaffold.clientProgram(1, withC);
        ClientState mine = new ClientState(Map.of(Scaffold.CLIENT_VARIATE, new float[] {0.25f, 0f}));
        // c_i+ = c_i - c + (x - y) / (K lr), K = 4 steps, lr = 0.5
        ClientProgram.Outcome out = program.finish(x, new float[] {0f, 3f}, mine, 4, 0.5);
        float[] next = out.state().tensor(Scaffold.CLIENT_VARIATE);
        assertThat(next[0]).isCloseTo(0.25f - 0.5f + (1f - 0f) / 2f, within(1e-6f));
        assertThat(next[1]).isCloseTo(0f + 0.5f + (2f - 3f) / 2f, within(1e-6f));
        assertThat(out.extras().get(Scaffold.DELTA_C)[0]).isCloseTo(next[0] - 0.25f, within(1e-6f));

        // server: x + mean(dy), c + |S|/N mean(dc); two of four clients report
        ClientUpdate a = new ClientUpdate(0, new float[] {2f, 2f}, 5, 1, 5, 0, 0, Map.of(Scaffold.DELTA_C, new float[] {1f, 0f}),
                ClientState.EMPTY, false, ClientUpdate.ClientMetrics.NONE);
        ClientUpdate b = new ClientUpdate(1, new float[] {0f, 4f}, 50, 1, 50, 0, 0, Map.of(Scaffold.DELTA_C, new float[] {3f, 2f}),
                ClientState.EMPTY, false, ClientUpdate.ClientMetrics.NONE);
        AggregationStrategy.Result r = scaffold.aggregate(1, x, List.of(a, b), List.of(), s0);
        assertThat(r.weights()).containsExactly(1f, 3f);
        assertThat(r.state().tensors().get(Scaffold.SERVER_VARIATE)).containsExactly(1f, 0.5f);
    }

    @Test
    void optionsAreValidatedByStrategy() {
        assertThatThrownBy(() -> Strategies.validate("fedavg", Map.of("mu", "0.1")))
                .hasMessage("--mu does not apply to the fedavg strategy, which takes no options.");
        assertThatThrownBy(() -> Strategies.validate("fedprox", Map.of("mu", "-1"))).hasMessageContaining("--mu -1.0");
        assertThatThrownBy(() -> Strategies.validate("fedld", Map.of("margin-norm", "row"))).hasMessageContaining("--margin-norm 'row'");
        assertThatThrownBy(() -> Strategies.validate("fedadam", Map.of("beta1", "1.5"))).hasMessageContaining("--beta1 1.5");
        assertThat(Strategies.NAMES).contains("fedavg", "fedprox", "fedavgm", "fedadagrad", "fedyogi", "fedadam", "fedmedian", "fedtrimmedavg",
                "scaffold", "fedld");
        for (String name : Strategies.NAMES) {
            Strategies.validate(name, Map.of());
        }
    }
}
