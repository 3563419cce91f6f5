package io.losslake.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linear-mode-connectivity barriers against a real lake: measured every round by 'federate', and
 * after the fact by 'barrier' (a client's model trained again from the checkpoint), which must
 * agree exactly; another run's model, cumulative orders, plots, the auto-barrier policy, and bad
 * input that leaves the lake as it was.
 */
class BarrierTest {
    static SparkSession spark;

    @TempDir
    static Path dir;
    static Path lake;
    /** A FedAvg run that measured barriers after both of its rounds. */
    static String watched;

    @BeforeAll
    static void prepare() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 480, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 80, 6, 4, 2), true);
        spark = TestSpark.builder().getOrCreate();
        lake = dir.resolve("lake");
        Cli prepared = Cli.run("prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.5",
                "--clients", "6", "--min-size", "20", "--plan", "p", "--lake", lake.toString());
        assertThat(prepared.status()).as(prepared.err()).isZero();
        Cli run = federate("--barriers-every", "1", "--barrier-clients", "2", "--barrier-alphas", "midpoint");
        assertThat(run.status()).as(run.err()).isZero();
        watched = FederateTest.runIdOf(run);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Cli federate(String... extra) {
        List<String> args = new ArrayList<>(List.of("federate", "--plan", "p", "--model", "mlp:16", "--rounds", "2", "--batch-size", "16",
                "--lr", "0.05", "--decompose-every", "0", "--lake", lake.toString()));
        args.addAll(Arrays.asList(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    static Cli barrier(String... args) {
        List<String> all = new ArrayList<>(List.of("barrier", "--lake", lake.toString()));
        all.addAll(Arrays.asList(args));
        return Cli.run(all.toArray(String[]::new));
    }

    static List<Row> barriers(String column, String runId) {
        return spark.read().format("delta").load(lake.resolve("barriers").toString()).where(col(column).equalTo(runId))
                .orderBy("round", "pair", "kind", "variant", "layer").collectAsList();
    }

    static String barrierRunId(Cli run) {
        String line = run.out().lines().filter(l -> l.startsWith("losslake barrier: run ")).findFirst().orElseThrow();
        return line.substring("losslake barrier: run ".length()).split("[ ,]")[0];
    }

    /** Every file of the lake with its size: equal listings mean nothing was written. */
    static Map<String, Long> listing() throws IOException {
        try (Stream<Path> files = Files.walk(lake)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toMap(Path::toString, f -> f.toFile().length(), (a, b) -> a, TreeMap::new));
        }
    }

    @Test
    void everyRoundRecordsTheGlobalModelAgainstTwoClientsAndThePairLayerByLayer() {
        List<Row> rows = barriers("run_id", watched);
        // per round: 3 pairs x (full + 2 blocks x 2 variants)
        assertThat(rows).hasSize(2 * 3 * 5);
        for (Row r : rows) {
            assertThat(r.<String>getAs("model_run_id")).isEqualTo(watched);
            assertThat(r.<String>getAs("eval_set")).isEqualTo("test");
            assertThat(r.<Integer>getAs("eval_examples")).isEqualTo(80);
            assertThat(r.getList(r.fieldIndex("alphas"))).containsExactly(0.5);
            assertThat(r.<String>getAs("pair")).matches("global,client:\\d|client:\\d,client:\\d");
            double lossBarrier = r.getAs("loss_barrier");
            List<Object> path = r.getList(r.fieldIndex("path_loss"));
            double baseline = (r.<Double>getAs("loss_first") + r.<Double>getAs("loss_second")) / 2;
            assertThat(lossBarrier).isCloseTo((Double) path.get(0) - baseline, org.assertj.core.api.Assertions.within(1e-12));
        }
        assertThat(rows.stream().map(r -> r.<String>getAs("kind")).distinct()).containsExactlyInAnyOrder("full", "layer");
    }

    @Test
    void theBarrierCommandReplaysAClientFromTheCheckpointAndAgreesExactlyWithTheRoundsOwnMeasurement() {
        Row recorded = barriers("run_id", watched).stream()
                .filter(r -> r.<Integer>getAs("round") == 2 && r.<String>getAs("pair").startsWith("global,")).findFirst().orElseThrow();
        String pair = recorded.getAs("pair");
        Cli run = barrier("--run", watched, "--round", "2", "--between", pair, "--alphas", "midpoint", "--cumulative", "none");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("loss barrier").contains("written to");
        String id = barrierRunId(run);
        List<Row> again = barriers("run_id", id);
        List<Row> during = barriers("run_id", watched).stream().filter(r -> r.<Integer>getAs("round") == 2 && r.getAs("pair").equals(pair)).toList();
        assertThat(again).hasSize(during.size()).hasSize(5);
        for (int i = 0; i < again.size(); i++) {
            for (String c : List.of("kind", "variant", "layer", "loss_barrier", "error_barrier", "loss_first", "loss_second")) {
                assertThat((Object) again.get(i).getAs(c)).as(c).isEqualTo(during.get(i).getAs(c));
            }
            assertThat(again.get(i).<String>getAs("model_run_id")).isEqualTo(watched);
        }
        Row runRow = spark.read().format("delta").load(lake.resolve("runs").toString()).where(col("run_id").equalTo(id)).first();
        assertThat(runRow.<String>getAs("command")).isEqualTo("barrier");
        assertThat(runRow.<String>getAs("status")).isEqualTo("SUCCEEDED");
    }

    @Test
    void twoRunsGlobalModelsWithCumulativeOrdersOnAClientsDataAndThePlots() throws IOException {
        Cli other = federate("--seed", "9");
        assertThat(other.status()).as(other.err()).isZero();
        String otherId = FederateTest.runIdOf(other);
        Path plots = dir.resolve("plots");
        Cli run = barrier("--run", watched, "--between", "run:" + otherId, "--on", "client:2", "--alphas", "steps:4", "--plots", plots.toString());
        assertThat(run.status()).as(run.err()).isZero();
        List<Row> rows = barriers("run_id", barrierRunId(run));
        // full, 2 blocks x 2 variants, 3 orders x 2 steps
        assertThat(rows).hasSize(1 + 4 + 6);
        Row full = rows.stream().filter(r -> r.getAs("kind").equals("full")).findFirst().orElseThrow();
        assertThat(full.<String>getAs("pair")).isEqualTo("global,run:" + otherId);
        assertThat(full.<String>getAs("eval_set")).isEqualTo("client:2");
        assertThat(full.getList(full.fieldIndex("alphas"))).containsExactly(0.25, 0.5, 0.75);
        for (Row r : rows) {
            if (r.getAs("kind").equals("cumulative") && r.<Integer>getAs("blocks") == 2) {
                // every block interpolated: the full path
                assertThat(r.<Double>getAs("loss_barrier")).isEqualTo(full.<Double>getAs("loss_barrier"));
            }
        }
        assertThat(rows.stream().filter(r -> r.getAs("kind").equals("cumulative")).map(r -> r.<String>getAs("variant")).distinct())
                .containsExactlyInAnyOrder("shallow", "deep", "random");
        try (Stream<Path> files = Files.list(plots)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names).contains("barrier-layers-loss-into_first-client-pairs-" + watched + ".png",
                    "barrier-layers-error-into_second-global-vs-client-" + watched + ".svg", "barrier-layers-loss-both-client-pairs-" + watched + ".png");
            assertThat(names.stream().filter(n -> n.startsWith("barrier-cumulative-"))).hasSize(2);
        }
        // only drawing: no pair, no run row, no new barrier rows
        long before = spark.read().format("delta").load(lake.resolve("barriers").toString()).count();
        Cli draw = barrier("--run", watched, "--plots", dir.resolve("plots-only").toString());
        assertThat(draw.status()).as(draw.err()).isZero();
        assertThat(draw.out()).contains("client pairs: layer loss barrier (nats), mean of the two variants", "global vs client: layer loss barrier");
        assertThat(Files.exists(dir.resolve("plots-only").resolve("barrier-layers-loss-into_first-client-pairs-" + watched + ".png"))).isTrue();
        assertThat(spark.read().format("delta").load(lake.resolve("barriers").toString()).count()).isEqualTo(before);
    }

    @Test
    void theAutoBarrierPolicyRunsRecordsItsBarriersAndRefusesPersonalLayersBesideIt() {
        Cli run = federate("--layer-policy", "auto-barrier", "--barrier-threshold", "0.01", "--rounds", "3", "--local-epochs", "3");
        assertThat(run.status()).as(run.err()).isZero();
        String id = FederateTest.runIdOf(run);
        // the policy compares two clients every round (the default --barrier-clients)
        assertThat(barriers("run_id", id).stream().map(r -> r.<Integer>getAs("round")).distinct()).containsExactly(1, 2, 3);
        List<Row> rounds = spark.read().format("delta").load(lake.resolve("round_metrics").toString()).where(col("run_id").equalTo(id)).collectAsList();
        assertThat(rounds).hasSize(3);
        assertThat(rounds).allSatisfy(r -> assertThat(r.<Double>getAs("mean_personal_accuracy")).isBetween(0.0, 1.0));

        Cli both = federate("--layer-policy", "auto-barrier", "--personal-layers", "1");
        assertThat(both.status()).isEqualTo(2);
        assertThat(both.err().strip().lines()).hasSize(1);
        assertThat(both.err()).contains("Give either --personal-layers or --layer-policy auto-barrier, not both");
    }

    @Test
    void badInputEndsWithOneSentenceAndLeavesTheLakeAsItWas() throws IOException {
        Cli shortRun = federate("--rounds", "1", "--seed", "3");
        assertThat(shortRun.status()).as(shortRun.err()).isZero();
        String oneRound = FederateTest.runIdOf(shortRun);
        Map<String, Long> before = listing();
        Map<String[], String> cases = new java.util.LinkedHashMap<>();
        cases.put(new String[] {"--run", "20990101-000000-abcdef", "--between", "global,client:1"}, "has no run with that id");
        cases.put(new String[] {"--run", watched, "--round", "9", "--between", "global,client:1"}, "has no checkpoint of that round");
        cases.put(new String[] {"--run", watched, "--between", "global,client:99"}, "plan p has clients 0 to 5");
        cases.put(new String[] {"--run", watched, "--between", "global,client:1", "--alphas", ""}, "the alpha grid is empty");
        cases.put(new String[] {"--run", watched, "--between", "global,client:1", "--alphas", "0.5,1.5"}, "in [0, 1]");
        cases.put(new String[] {"--run", watched, "--between", "global,global"}, "a model against itself");
        cases.put(new String[] {"--run", watched, "--between", "global,server"}, "expected global, client:<id> or run:<run_id>");
        cases.put(new String[] {"--run", watched, "--between", "global,client:1", "--on", "train"}, "expected test or client:<id>");
        cases.put(new String[] {"--run", watched, "--between", "global,client:1", "--cumulative", "sideways"}, "expected shallow, deep, random or none");
        // the other run has no checkpoint of round 2: found before the barrier run's row is written
        cases.put(new String[] {"--run", watched, "--round", "2", "--between", "run:" + oneRound}, "its checkpoints are rounds 1 to 1");
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            Cli bad = barrier(c.getKey());
            assertThat(bad.status()).as(String.join(" ", c.getKey()) + ": " + bad.err()).isEqualTo(2);
            assertThat(bad.err().strip().lines()).as(bad.err()).hasSize(1);
            assertThat(bad.err()).contains(c.getValue());
        }
        Cli federateBad = federate("--barriers-every", "1", "--barrier-alphas", "2");
        assertThat(federateBad.status()).isEqualTo(2);
        assertThat(federateBad.err()).contains("--barrier-alphas");
        assertThat(listing()).isEqualTo(before);
    }
}
