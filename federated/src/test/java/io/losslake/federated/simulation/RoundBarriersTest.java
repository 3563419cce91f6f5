package io.losslake.federated.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.losslake.data.ImageSubset;
import io.losslake.federated.ClientState;
import io.losslake.federated.LayerPolicy;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.barrier.AlphaGrid;
import io.losslake.federated.barrier.BarrierWatch;
import io.losslake.federated.barrier.Barriers;
import io.losslake.federated.model.OptimizerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Barriers measured inside the round loop, and the auto-barrier layer policy: the rows are what the
 * barrier library computes on the replayed clients, measuring changes nothing of the run, the
 * policy keeps exactly the blocks above its threshold local (with hysteresis) and a resumed run
 * continues with the same choice.
 */
class RoundBarriersTest {
    private static final int ROUNDS = 4;

    static RunSettings plain(double holdout) {
        return plain(holdout, 1, 0.05);
    }

    static RunSettings plain(double holdout, int epochs, double lr) {
        LocalTraining local = new LocalTraining(epochs, 0, 8, new OptimizerSpec("nesterov", lr, 0.9), "fused");
        return new RunSettings(ROUNDS, 4, local, "fedavg", Map.of(), LayerPolicy.SHARE_ALL, 0, 0, false, 0, 50, holdout, 1, 11);
    }

    static BarrierWatch every(int k) {
        return new BarrierWatch(k, 2, AlphaGrid.MIDPOINT, 1000, Double.NaN, Double.NaN);
    }

    static BarrierWatch auto(double threshold, double release) {
        return new BarrierWatch(0, 3, AlphaGrid.MIDPOINT, 1000, threshold, release);
    }

    @Test
    void roundBarriersAreTheLibrarysBarriersBetweenTheNewGlobalModelAndTheReplayedClients() {
        RunSettings settings = plain(0).withBarriers(every(2));
        MemorySink sink = new MemorySink();
        SimulationTest.run(settings, 2, sink, null, -1);
        Simulation simulation = SimulationTest.simulation(settings);
        Barriers library = new Barriers(SimulationTest.MODEL, simulation.layout(), new ImageSubset(-1, SimulationTest.TEST,
                SimulationTest.first(SimulationTest.TEST.count())), AlphaGrid.MIDPOINT);
        int checked = 0;
        for (RoundRecord r : sink.rounds()) {
            int round = r.metrics().round();
            if (round % 2 == 1) {
                assertThat(r.barriers()).as("round %d", round).isEmpty();
                continue;
            }
            // two clients: each against the global model, then the pair
            assertThat(r.barriers()).extracting(RoundRecord.PairBarriers::pair).hasSize(3)
                    .allSatisfy(p -> assertThat(p).matches("global,client:\\d+|client:\\d+,client:\\d+"));
            Checkpoint before = sink.rounds().get(round - 2).checkpoint();
            Map<Integer, float[]> clientWeights = new java.util.HashMap<>();
            for (RoundRecord.PairBarriers p : r.barriers()) {
                assertThat(p.examples()).isEqualTo(SimulationTest.TEST.count());
                String[] sides = p.pair().split(",");
                float[][] w = new float[2][];
                for (int s = 0; s < 2; s++) {
                    if (sides[s].equals("global")) {
                        w[s] = r.checkpoint().weights();
                    } else {
                        int id = Integer.parseInt(sides[s].substring("client:".length()));
                        w[s] = clientWeights.computeIfAbsent(id, c -> simulation.replay(round, before, SimulationTest.CLIENTS.get(c), ClientState.EMPTY)
                                .outcome().update().weights());
                    }
                }
                Barriers.Report expected = library.all(w[0], w[1], true, List.of(), 0, Barriers.Progress.NONE);
                assertThat(p.report().results()).hasSize(1 + 2 * library.blocks().size());
                assertThat(p.report().endpoints()).isEqualTo(expected.endpoints());
                for (int i = 0; i < expected.results().size(); i++) {
                    Barriers.Result got = p.report().results().get(i);
                    Barriers.Result want = expected.results().get(i);
                    assertThat(got.kind() + got.variant() + got.block()).isEqualTo(want.kind() + want.variant() + want.block());
                    assertThat(got.lossBarrier()).isEqualTo(want.lossBarrier());
                    assertThat(got.errorBarrier()).isEqualTo(want.errorBarrier());
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(6);
    }

    @Test
    void measuringBarriersChangesNothingOfTheRun() {
        MemorySink without = new MemorySink();
        MemorySink with = new MemorySink();
        float[] w0 = SimulationTest.run(plain(0), 2, without, null, -1);
        float[] w1 = SimulationTest.run(plain(0).withBarriers(every(1)), 2, with, null, -1);
        assertThat(Arrays.equals(w0, w1)).isTrue();
        assertThat(with.metrics().stream().map(RoundMetrics::numbers).toList())
                .isEqualTo(without.metrics().stream().map(RoundMetrics::numbers).toList());
        assertThat(with.rounds()).allSatisfy(r -> assertThat(r.barriers()).isNotEmpty());
    }

    @Test
    void anAutoBarrierPolicyThatNeverTriggersIsPlainFedAvgWithHeldOutSlices() {
        MemorySink fedavg = new MemorySink();
        MemorySink policy = new MemorySink();
        float[] w0 = SimulationTest.run(plain(0.2), 2, fedavg, null, -1);
        float[] w1 = SimulationTest.run(plain(0.2).withBarriers(auto(1e6, 1e6)), 2, policy, null, -1);
        assertThat(Arrays.equals(w0, w1)).isTrue();
        assertThat(policy.rounds()).allSatisfy(r -> {
            assertThat(RoundBarriers.local(r.checkpoint().state())).isEmpty();
            assertThat(r.states().values()).allSatisfy(s -> assertThat(s.tensors()).isEmpty());
        });
    }

    @Test
    void aTinyThresholdKeepsEveryBlockButTheMostConnectedLocalAndAResumeKeepsTheChoice() {
        // long local work at a high rate drives the clients' layers apart
        RunSettings settings = plain(0.2, 5, 0.3).withBarriers(auto(1e-9, 0));
        MemorySink whole = new MemorySink();
        float[] expected = SimulationTest.run(settings, 2, whole, null, -1);
        Simulation simulation = SimulationTest.simulation(settings);
        List<Integer> layers = io.losslake.federated.barrier.LayerBlocks.of(SimulationTest.MODEL, simulation.layout()).stream()
                .map(io.losslake.federated.barrier.LayerBlocks.Block::layer).toList();
        // after every round: local = the blocks whose mean client-pair layer barrier exceeds 1e-9, the smallest kept averaged
        Set<Integer> local = Set.of();
        int roundsWithLocal = 0;
        for (RoundRecord r : whole.rounds()) {
            if (!local.isEmpty()) {
                // the clients keep their copies of this round's local layers, and the personalised accuracy is measured
                Set<String> personal = new java.util.TreeSet<>();
                local.forEach(l -> personal.addAll(List.of("personal." + l + "_W", "personal." + l + "_b")));
                assertThat(r.states()).isNotEmpty();
                r.states().values().forEach(s -> assertThat(s.tensors().keySet()).isEqualTo(personal));
                roundsWithLocal++;
            }
            assertThat(r.metrics().meanPersonalAccuracy()).isBetween(0.0, 1.0);
            double[] mean = new double[layers.size()];
            int pairs = 0;
            for (RoundRecord.PairBarriers p : r.barriers()) {
                if (p.pair().startsWith("client:")) {
                    pairs++;
                    p.report().results().stream().filter(b -> b.kind().equals("layer")).forEach(b -> mean[b.block()] += b.lossBarrier() / 2);
                }
            }
            assertThat(pairs).isEqualTo(3);
            Set<Integer> expectedLocal = new java.util.TreeSet<>();
            int smallest = 0;
            for (int b = 0; b < mean.length; b++) {
                if (mean[b] > 1e-9 * pairs) {
                    expectedLocal.add(layers.get(b));
                }
                smallest = mean[b] < mean[smallest] ? b : smallest;
            }
            if (expectedLocal.size() == layers.size()) {
                expectedLocal.remove(layers.get(smallest));
            }
            local = RoundBarriers.local(r.checkpoint().state());
            assertThat(local).as("round %d, summed barriers %s", r.metrics().round(), Arrays.toString(mean)).isEqualTo(expectedLocal);
        }
        assertThat(roundsWithLocal).isPositive();

        MemorySink killed = new MemorySink();
        assertThatThrownBy(() -> SimulationTest.run(settings, 2, killed, null, 2)).isInstanceOf(SimulationTest.Killed.class);
        float[] resumed = SimulationTest.run(settings, 2, killed, killed.latestCheckpoint(), -1);
        assertThat(Arrays.equals(resumed, expected)).isTrue();
        assertThat(killed.metrics().stream().map(RoundMetrics::numbers).toList()).isEqualTo(whole.metrics().stream().map(RoundMetrics::numbers).toList());
        // the strategy never sees the policy's part of the state
        assertThat(whole.rounds()).allSatisfy(r -> assertThat(RoundBarriers.strategyPart(r.checkpoint().state()).scalars().keySet())
                .noneMatch(k -> k.startsWith(RoundBarriers.LOCAL_PREFIX)));
    }

    @Test
    void theThresholdAndReleaseMakeAHysteresis() {
        RoundBarriers barriers = new RoundBarriers(auto(0.1, 0.05), SimulationTest.MODEL,
                Simulation.layoutOf(SimulationTest.MODEL), new ImageSubset(-1, SimulationTest.TEST, SimulationTest.first(10)), 3);
        // mlp:8 has two blocks, layers 0 and 1
        // block 1 crosses the threshold: local; block 0 stays shared
        Set<Integer> local = barriers.next(Set.of(), pairs(0.02, 0.15));
        assertThat(local).containsExactly(1);
        // between release and threshold: a local block stays local, a shared one stays shared
        local = barriers.next(local, pairs(0.07, 0.07));
        assertThat(local).containsExactly(1);
        // below the release: shared again
        local = barriers.next(local, pairs(0.07, 0.04));
        assertThat(local).isEmpty();
        // both above: the less disconnected one stays averaged, so something is always federated
        assertThat(barriers.next(Set.of(), pairs(0.3, 0.2))).containsExactly(0);
        // only global-vs-client pairs: the choice stands
        assertThat(barriers.next(Set.of(1), List.of(pair("global,client:1", 0.9, 0.9)))).containsExactly(1);
    }

    /** Two client pairs whose layer barriers average to the given values (both variants). */
    private static List<RoundBarriers.Pair> pairs(double block0, double block1) {
        return List.of(pair("client:1,client:2", block0 - 0.01, block1 + 0.01), pair("client:1,client:3", block0 + 0.01, block1 - 0.01));
    }

    private static RoundBarriers.Pair pair(String name, double block0, double block1) {
        List<Barriers.Result> results = new ArrayList<>();
        results.add(result("full", "full", -1, Math.max(block0, block1)));
        for (String variant : List.of("into_first", "into_second")) {
            results.add(result("layer", variant, 0, block0));
            results.add(result("layer", variant, 1, block1));
        }
        return new RoundBarriers.Pair(name, new Barriers.Report(new Barriers.Endpoints(0.5, 0.5, 10, 10), results));
    }

    private static Barriers.Result result(String kind, String variant, int block, double loss) {
        return new Barriers.Result(kind, variant, block, block < 0 ? null : "dense", 1, AlphaGrid.MIDPOINT, loss, 0.5, 0, 0.5, new double[] {loss},
                new double[] {0});
    }
}
