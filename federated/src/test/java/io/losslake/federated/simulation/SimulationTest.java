package io.losslake.federated.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.losslake.data.ClientData;
import io.losslake.data.ImageSubset;
import io.losslake.data.LabeledImages;
import io.losslake.data.partition.DirichletPartitioner;
import io.losslake.data.partition.Partition;
import io.losslake.data.partition.PartitionInput;
import io.losslake.data.testing.SyntheticImages;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.LayerPolicy;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A whole federated run without Spark: sampling, dropouts and stragglers, a stateful strategy
 * (SCAFFOLD), personal layers with hold-out slices, the loss decomposition, on the thread-pool
 * executor and the memory sink; the same numbers on one thread and on two, and after a resume.
 */
class SimulationTest {
    static final LabeledImages TRAIN = SyntheticImages.generate("train", 240, 6, 4, 1);
    static final LabeledImages TEST = SyntheticImages.generate("test", 80, 6, 4, 2);
    static final ModelSpec MODEL = ModelSpec.parse("mlp:8", 36, 4);
    static final Map<Integer, ClientData> CLIENTS = new HashMap<>();
    static final int[] AVAILABLE;

    static {
        Partition p = new DirichletPartitioner(6, 0.5, 10, true).partition(new PartitionInput(TRAIN.labelArray(), 4), 3);
        List<Integer> withData = new ArrayList<>();
        for (int c = 0; c < p.numClients(); c++) {
            CLIENTS.put(c, new ImageSubset(c, TRAIN, p.examples(c)));
            if (p.examples(c).length > 0) {
                withData.add(c);
            }
        }
        AVAILABLE = withData.stream().mapToInt(Integer::intValue).toArray();
    }

    static RunSettings settings(String strategy) {
        LocalTraining local = new LocalTraining(1, 0, 8, new OptimizerSpec("nesterov", 0.05, 0.9), "fused");
        return new RunSettings(5, 4, local, strategy, Map.of(), new LayerPolicy(Set.of(1)), 0.2, 0.3, false, 2, 50, 0.2, 1, 11);
    }

    static Simulation simulation(RunSettings settings) {
        return new Simulation(new Simulation.Setup("test-run", settings, MODEL, AVAILABLE, new ImageSubset(-1, TEST, first(TEST.count())),
                new ImageSubset(-1, TRAIN, first(50))));
    }

    /** Runs to the end (or until {@code stopAfter}) and returns the final weights. */
    static float[] run(RunSettings settings, int threads, MemorySink sink, Checkpoint from, int stopAfter) {
        Simulation simulation = simulation(settings);
        try (LocalExecutor executor = new LocalExecutor(simulation.clientRunner(), CLIENTS, new ImageSubset(-1, TRAIN, first(50)), threads)) {
            return simulation.run(executor, sink, from, (m, w) -> {
                if (m.round() == stopAfter) {
                    throw new Killed();
                }
            });
        }
    }

    static int[] first(int n) {
        int[] out = new int[n];
        Arrays.setAll(out, i -> i);
        return out;
    }

    static final class Killed extends RuntimeException {
    }

    @Test
    void aWholeRunSamplesFailsAggregatesDecomposesAndKeepsClientState() {
        RunSettings settings = settings("scaffold");
        MemorySink sink = new MemorySink();
        run(settings, 2, sink, null, -1);
        List<RoundRecord> rounds = sink.rounds();
        assertThat(rounds).hasSize(5);
        boolean sawDropout = false;
        boolean sawStraggler = false;
        for (RoundRecord r : rounds) {
            RoundMetrics m = r.metrics();
            int[] sampled = Sampling.sample(AVAILABLE, 4, settings.seed(), m.round());
            assertThat(r.clients()).extracting(ClientReport::clientId).containsExactlyInAnyOrder(Arrays.stream(sampled).boxed().toArray(Integer[]::new));
            for (ClientReport c : r.clients()) {
                double fraction = Sampling.workFraction(settings.seed(), m.round(), c.clientId(), 0.2, 0.3);
                String expected = fraction == 0 ? ClientFailure.DROPPED : fraction < 1 ? ClientReport.PARTIAL : ClientReport.OK;
                assertThat(c.status()).as("round %d client %d", m.round(), c.clientId()).isEqualTo(expected);
                sawDropout |= fraction == 0;
                sawStraggler |= fraction > 0 && fraction < 1;
            }
            assertThat(m.clients() + m.dropped() + m.rejected()).isEqualTo(m.sampled()).isEqualTo(4);
            // SCAFFOLD sends the weights and c to every sampled client, and gets the weights and Delta c_i from each that returns
            long p = MODEL.parameterCount();
            assertThat(m.downloadedFloats()).isEqualTo(4 * 2 * p);
            assertThat(m.uploadedFloats()).isEqualTo((m.clients() + m.rejected()) * 2 * p);
            assertThat(m.test()).isNotNull();
            if (m.round() % 2 == 0) {
                assertThat(m.decomposition().sum()).isCloseTo(m.decomposition().global(), within(1e-9));
            } else {
                assertThat(m.decomposition()).isNull();
            }
            assertThat(m.meanPersonalAccuracy()).isBetween(0.0, 1.0);
            // SCAFFOLD's control variates and the personal layer, kept for every accepted client
            assertThat(r.states()).hasSize(m.clients());
            r.states().values().forEach(s -> assertThat(s.tensors()).containsKeys("scaffold.c_i", "personal.1_W", "personal.1_b"));
            assertThat(r.checkpoint().state().tensors()).containsKey("scaffold.c");
        }
        assertThat(sawDropout).isTrue();
        assertThat(sawStraggler).isTrue();
        assertThat(rounds.get(4).metrics().testAccuracy()).isGreaterThan(0.5);
    }

    @Test
    void aReplayedClientIsBitForBitTheModelItSent() {
        RunSettings settings = settings("scaffold");
        MemorySink sink = new MemorySink();
        run(settings, 2, sink, null, -1);
        Simulation simulation = simulation(settings);
        int replayed = 0;
        for (int round : new int[] {1, 3}) {
            RoundRecord record = sink.rounds().get(round - 1);
            Checkpoint before = round == 1 ? null : sink.rounds().get(round - 2).checkpoint();
            for (ClientReport c : record.clients()) {
                if (c.update() == null) {
                    continue; // dropped: nothing was sent
                }
                var state = sink.clientStates(new int[] {c.clientId()}, round).getOrDefault(c.clientId(), io.losslake.federated.ClientState.EMPTY);
                Simulation.Replay replay = simulation.replay(round, before, CLIENTS.get(c.clientId()), state);
                assertThat(replay.dispatched()).isTrue();
                assertThat(Arrays.equals(replay.outcome().update().weights(), c.update().weights())).as("round %d client %d", round, c.clientId()).isTrue();
                replayed++;
            }
        }
        assertThat(replayed).isGreaterThan(4);
        int notSampled = Arrays.stream(AVAILABLE).filter(id -> sink.rounds().get(0).clients().stream().noneMatch(c -> c.clientId() == id))
                .findFirst().orElseThrow();
        Simulation.Replay extra = simulation.replay(1, null, CLIENTS.get(notSampled), io.losslake.federated.ClientState.EMPTY);
        assertThat(extra.dispatched()).isFalse();
        assertThat(extra.outcome().update().stepsTaken()).isPositive();
        assertThatThrownBy(() -> simulation.replay(3, sink.rounds().get(0).checkpoint(), CLIENTS.get(notSampled), io.losslake.federated.ClientState.EMPTY))
                .hasMessageContaining("checkpoint of round 2");
    }

    @Test
    void oneThreadAndTwoThreadsGiveBitIdenticalRounds() {
        RunSettings settings = settings("scaffold");
        MemorySink one = new MemorySink();
        MemorySink two = new MemorySink();
        float[] w1 = run(settings, 1, one, null, -1);
        float[] w2 = run(settings, 2, two, null, -1);
        assertThat(two.metrics().stream().map(RoundMetrics::numbers).toList()).isEqualTo(one.metrics().stream().map(RoundMetrics::numbers).toList());
        assertThat(Arrays.equals(w1, w2)).isTrue();
    }

    @Test
    void aRunStoppedAfterRoundTwoResumesToExactlyTheUninterruptedRounds() {
        RunSettings settings = settings("scaffold");
        MemorySink whole = new MemorySink();
        float[] expected = run(settings, 2, whole, null, -1);

        MemorySink killed = new MemorySink();
        assertThatThrownBy(() -> run(settings, 2, killed, null, 2)).isInstanceOf(Killed.class);
        assertThat(killed.rounds()).hasSize(2);
        float[] resumed = run(settings, 2, killed, killed.latestCheckpoint(), -1);

        assertThat(killed.metrics().stream().map(RoundMetrics::numbers).toList()).isEqualTo(whole.metrics().stream().map(RoundMetrics::numbers).toList());
        assertThat(Arrays.equals(resumed, expected)).isTrue();
    }

    @Test
    void clientStateChangesTheRun() {
        // the same run whose sink forgets client state ends elsewhere: the state really is read back
        RunSettings settings = settings("scaffold");
        MemorySink remembering = new MemorySink();
        float[] with = run(settings, 2, remembering, null, -1);
        MemorySink kept = new MemorySink();
        RoundSink forgetful = new RoundSink() {
            @Override
            public Map<Integer, io.losslake.federated.ClientState> clientStates(int[] clients, int round) {
                return Map.of();
            }

            @Override
            public void record(RoundRecord round) {
                kept.record(round);
            }

            @Override
            public void flush() {
            }
        };
        Simulation simulation = simulation(settings);
        float[] without;
        try (LocalExecutor executor = new LocalExecutor(simulation.clientRunner(), CLIENTS, new ImageSubset(-1, TRAIN, first(50)), 2)) {
            without = simulation.run(executor, forgetful, null, (m, w) -> { });
        }
        assertThat(kept.rounds()).hasSize(5);
        assertThat(Arrays.equals(with, without)).isFalse();
    }

    @Test
    void everyUpdateRefusedLeavesTheGlobalModelAndStillEvaluates() {
        LocalTraining exploding = new LocalTraining(1, 0, 8, new OptimizerSpec("sgd", 1e38, 0), "fused");
        RunSettings settings = new RunSettings(1, 6, exploding, "fedavg", Map.of(), LayerPolicy.SHARE_ALL, 0, 0, false, 0, 1, 0, 1, 5);
        MemorySink sink = new MemorySink();
        float[] after = run(settings, 2, sink, null, -1);
        RoundMetrics m = sink.metrics().get(0);
        assertThat(m.rejected()).isEqualTo(AVAILABLE.length);
        assertThat(m.clients()).isZero();
        assertThat(Arrays.equals(after, Simulation.initialWeights(MODEL, 5))).isTrue();
        assertThat(m.testLoss()).isFinite();
        assertThat(sink.rounds().get(0).clients()).allSatisfy(c -> assertThat(c.status()).isEqualTo(ClientFailure.REJECTED));
    }
}
