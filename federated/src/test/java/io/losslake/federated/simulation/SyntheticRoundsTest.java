package io.losslake.federated.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.losslake.data.ClientData;
import io.losslake.data.ImageSubset;
import io.losslake.data.Seeds;
import io.losslake.federated.Evaluator;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.Streams;
import io.losslake.federated.distill.ServerTuning;
import io.losslake.federated.distill.SyntheticSet;
import io.losslake.federated.model.OptimizerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Synthetic sets as a round option: each client's set is uploaded once, with its first accepted
 * update, and counted in the round's floats; the server fine-tunes the aggregated model on the
 * union it holds; the union travels in the checkpoint so a resumed run is the uninterrupted one.
 */
class SyntheticRoundsTest {
    static final ServerTuning TUNING = new ServerTuning(3, 0.05, 16, true);
    static final Map<Integer, SyntheticSet> SETS = new HashMap<>();

    static {
        // two real examples of each class a client holds: a stand-in for a distilled set, in the run's units
        for (int id : SimulationTest.AVAILABLE) {
            ClientData data = SimulationTest.CLIENTS.get(id);
            List<Integer> chosen = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int taken = 0;
                for (int i = 0; i < data.size() && taken < 2; i++) {
                    if (data.label(i) == c) {
                        chosen.add(i);
                        taken++;
                    }
                }
            }
            float[] x = new float[chosen.size() * 36];
            int[] y = new int[chosen.size()];
            for (int k = 0; k < y.length; k++) {
                data.copyFeatures(chosen.get(k), x, k * 36);
                y[k] = data.label(chosen.get(k));
            }
            SETS.put(id, new SyntheticSet(id, x, y, 6, 4, Double.NaN));
        }
    }

    /** FedAvg, 2 of the clients per round, no failures, no decomposition. */
    static RunSettings plain() {
        LocalTraining local = new LocalTraining(1, 0, 8, new OptimizerSpec("nesterov", 0.05, 0.9), "fused");
        return RunSettings.plain(4, 2, local, "fedavg", Map.of(), 5);
    }

    static float[] run(RunSettings settings, SyntheticRounds synthetic, MemorySink sink, Checkpoint from, int stopAfter) {
        Simulation simulation = new Simulation(new Simulation.Setup("test-run", settings, SimulationTest.MODEL, SimulationTest.AVAILABLE,
                new ImageSubset(-1, SimulationTest.TEST, SimulationTest.first(SimulationTest.TEST.count())), null, synthetic));
        try (LocalExecutor executor = new LocalExecutor(simulation.clientRunner(), SimulationTest.CLIENTS, null, 2)) {
            return simulation.run(executor, sink, from, (m, w) -> {
                if (m.round() == stopAfter) {
                    throw new SimulationTest.Killed();
                }
            });
        }
    }

    @Test
    void oneFullBatchStepIsMinusTheRateTimesTheFiniteDifferenceGradientWithWeightDecay() {
        SyntheticSet set = SETS.get(SimulationTest.AVAILABLE[0]);
        ClientData data = set.asData();
        float[] w = io.losslake.federated.simulation.Simulation.initialWeights(SimulationTest.MODEL, 3);
        double lr = 0.1;
        float[] tuned = new ServerTuning(1, lr, set.size(), false).tune(SimulationTest.MODEL, w, data, 1);
        double h = 1e-2;
        double worst = 0;
        double norm = 0;
        for (int i = 0; i < w.length; i++) {
            float[] plus = w.clone();
            float[] minus = w.clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double g = (Evaluator.evaluate(SimulationTest.MODEL, plus, data).loss() - Evaluator.evaluate(SimulationTest.MODEL, minus, data).loss())
                    / (plus[i] - minus[i]);
            double expected = w[i] - lr * (g + 5e-4 * w[i]);
            worst = Math.max(worst, Math.abs(tuned[i] - expected));
            norm = Math.max(norm, Math.abs(lr * g));
        }
        assertThat(norm).isGreaterThan(1e-3); // the step is not trivially zero
        assertThat(worst).isLessThan(norm * 0.02);
        assertThat(w).isEqualTo(io.losslake.federated.simulation.Simulation.initialWeights(SimulationTest.MODEL, 3)); // left as it was
    }

    @Test
    void eachSetIsUploadedOnceAndTheServerTunesTheAggregateOnTheUnionItHolds() {
        RunSettings settings = plain();
        MemorySink base = new MemorySink();
        run(settings, null, base, null, -1);
        MemorySink with = new MemorySink();
        SyntheticRounds synthetic = new SyntheticRounds(TUNING, SETS);
        run(settings, synthetic, with, null, -1);

        Set<Integer> held = new TreeSet<>();
        long p = SimulationTest.MODEL.parameterCount();
        double flopsPerExample = Simulation.trainingFlopsPerExample(SimulationTest.MODEL);
        long tunedExamples = 0;
        for (RoundRecord r : with.rounds()) {
            RoundMetrics m = r.metrics();
            long fresh = 0;
            for (ClientReport c : r.clients()) {
                if (held.add(c.clientId())) {
                    fresh += SETS.get(c.clientId()).size() * 37L; // 36 pixels and a label per example
                }
            }
            assertThat(m.syntheticFloats()).as("round %d", m.round()).isEqualTo(fresh);
            assertThat(m.uploadedFloats()).isEqualTo(2 * p + fresh);
            assertThat(SyntheticRounds.received(r.checkpoint().state())).isEqualTo(held);
            int union = held.stream().mapToInt(id -> SETS.get(id).size()).sum();
            tunedExamples += (long) TUNING.epochs() * union;
            RoundMetrics plainRound = base.metrics().get(m.round() - 1);
            assertThat(m.trainFlops()).isCloseTo(plainRound.trainFlops() + flopsPerExample * tunedExamples,
                    org.assertj.core.api.Assertions.within(1e-6 * m.trainFlops()));
        }
        assertThat(with.metrics().stream().mapToLong(RoundMetrics::syntheticFloats).sum())
                .isEqualTo(held.stream().mapToLong(id -> SETS.get(id).size() * 37L).sum());
        assertThat(held.size()).isGreaterThan(2); // later rounds brought new clients and uploaded only theirs
        assertThat(base.metrics()).allMatch(m -> m.syntheticFloats() == 0);

        // round 1 is the plain run's aggregate, tuned on the union of round 1's sets with the round's seed
        Set<Integer> first = SyntheticRounds.received(with.rounds().get(0).checkpoint().state());
        float[] aggregate = base.rounds().get(0).checkpoint().weights();
        ClientData union = synthetic.union(first).asData();
        float[] expected = TUNING.tune(SimulationTest.MODEL, aggregate, union, Seeds.derive(settings.seed(), Streams.SERVER_TUNING, 1));
        assertThat(with.rounds().get(0).checkpoint().weights()).isEqualTo(expected);
        assertThat(Evaluator.evaluate(SimulationTest.MODEL, expected, union).loss())
                .isLessThan(Evaluator.evaluate(SimulationTest.MODEL, aggregate, union).loss());
    }

    @Test
    void aRunStoppedAfterRoundTwoResumesToTheUninterruptedRoundsWithTheSameUnion() {
        RunSettings settings = plain();
        SyntheticRounds synthetic = new SyntheticRounds(TUNING, SETS);
        MemorySink whole = new MemorySink();
        float[] expected = run(settings, synthetic, whole, null, -1);
        MemorySink killed = new MemorySink();
        assertThatThrownBy(() -> run(settings, synthetic, killed, null, 2)).isInstanceOf(SimulationTest.Killed.class);
        float[] resumed = run(settings, synthetic, killed, killed.latestCheckpoint(), -1);
        assertThat(killed.metrics().stream().map(RoundMetrics::numbers).toList())
                .isEqualTo(whole.metrics().stream().map(RoundMetrics::numbers).toList());
        assertThat(Arrays.equals(resumed, expected)).isTrue();
    }

    @Test
    void badTuningSettingsAreOneSentenceEach() {
        assertThatThrownBy(() -> new ServerTuning(0, 0.01, 8, true)).hasMessage("Invalid --synthetic-epochs 0: expected at least 1.");
        assertThatThrownBy(() -> new ServerTuning(1, -1, 8, true)).hasMessage("Invalid --synthetic-lr -1.0: expected a positive rate.");
        assertThatThrownBy(() -> new ServerTuning(1, 0.01, 0, true)).hasMessage("Invalid --synthetic-batch 0: expected at least 1.");
    }
}
