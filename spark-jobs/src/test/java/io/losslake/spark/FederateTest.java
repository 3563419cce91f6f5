package io.losslake.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.losslake.data.ClientData;
import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import io.losslake.federated.LayerPolicy;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.simulation.ClientExecutor;
import io.losslake.federated.simulation.LocalExecutor;
import io.losslake.federated.simulation.MemorySink;
import io.losslake.federated.simulation.RoundMetrics;
import io.losslake.federated.simulation.RoundPlan;
import io.losslake.federated.simulation.RoundPlanner;
import io.losslake.federated.simulation.RunSettings;
import io.losslake.federated.simulation.Simulation;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.federated.ClientSource;
import io.losslake.spark.federated.SparkExecutor;
import io.losslake.spark.lake.Lake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'losslake federate' over a prepared plan, in local[2] against real Delta tables. */
class FederateTest {
    static SparkSession spark;

    @TempDir
    static Path dir;
    static Path lake;
    static Path data;

    @BeforeAll
    static void prepare() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 480, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 80, 6, 4, 2), true);
        spark = TestSpark.builder().getOrCreate();
        lake = dir.resolve("lake");
        Cli prepared = Cli.run("prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.5",
                "--clients", "6", "--min-size", "20", "--plan", "p", "--lake", lake.toString());
        assertThat(prepared.status()).as(prepared.err()).isZero();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Cli federate(String... extra) {
        List<String> args = new ArrayList<>(List.of("federate", "--plan", "p", "--model", "mlp:16", "--rounds", "2", "--batch-size", "16",
                "--lr", "0.05", "--decompose-sample", "100", "--lake", lake.toString()));
        args.addAll(Arrays.asList(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    static List<Row> rows(String table, String runId) {
        return spark.read().format("delta").load(lake.resolve(table).toString()).where(col("run_id").equalTo(runId))
                .orderBy("round").collectAsList();
    }

    static String runIdOf(Cli run) {
        String line = run.out().lines().filter(l -> l.startsWith("losslake federate: run ")).findFirst().orElseThrow();
        return line.substring("losslake federate: run ".length()).split("[ ,]")[0];
    }

    @Test
    void everyStrategyRunsAndRecordsTheLossDecompositionWhoseTermsSumToTheGlobalLoss() {
        for (String[] strategy : new String[][] {{"fedavg"}, {"fedprox", "--mu", "0.1"}, {"scaffold"}, {"fedld", "--margin-norm", "batch"},
            {"fedadam"}, {"fedtrimmedavg", "--trim", "0.2"}}) {
            List<String> args = new ArrayList<>(List.of("--strategy"));
            args.addAll(Arrays.asList(strategy));
            args.addAll(List.of("--fraction", "0.5"));
            Cli run = federate(args.toArray(String[]::new));
            assertThat(run.status()).as(strategy[0] + run.err()).isZero();
            String runId = runIdOf(run);
            List<Row> rounds = rows("round_metrics", runId);
            assertThat(rounds).hasSize(2);
            for (Row r : rounds) {
                assertThat(r.<Integer>getAs("clients_sampled")).isEqualTo(3);
                assertThat(r.<Integer>getAs("clients")).isEqualTo(3);
                double sum = r.<Double>getAs("decomp_local") + r.<Double>getAs("decomp_shift") + r.<Double>getAs("decomp_aggregation");
                assertThat(sum).as(strategy[0]).isCloseTo(r.<Double>getAs("decomp_global"), within(1e-9));
                assertThat(r.<Double>getAs("decomp_local")).isPositive();
                assertThat(r.getList(r.fieldIndex("test_class_accuracy"))).hasSize(4);
                assertThat(r.<Double>getAs("client_loss_p10")).isLessThanOrEqualTo(r.<Double>getAs("client_loss_p90"));
                // mlp:16 on 36 features, 4 classes: 36*16+16 + 16*4+4 = 660 values; SCAFFOLD sends c down and Delta c_i up as well
                long perClient = 660L * (strategy[0].equals("scaffold") ? 2 : 1);
                assertThat(r.<Long>getAs("uploaded_floats")).as(strategy[0]).isEqualTo(3 * perClient);
                assertThat(r.<Long>getAs("downloaded_floats")).as(strategy[0]).isEqualTo(3 * perClient);
            }
            assertThat(rows("client_metrics", runId)).hasSize(6).allSatisfy(r -> assertThat(r.<String>getAs("status")).isEqualTo("ok"));
            assertThat(rows("checkpoints", runId)).extracting(r -> r.<Integer>getAs("round")).containsExactly(1, 2);
            if (strategy[0].equals("scaffold")) {
                List<Row> states = rows("client_state", runId);
                assertThat(states).hasSize(6);
                assertThat(states.get(0).getJavaMap(states.get(0).fieldIndex("tensors"))).containsKey("scaffold.c_i");
                assertThat(rows("checkpoints", runId).get(1).getJavaMap(rows("checkpoints", runId).get(1).fieldIndex("state_tensors")))
                        .containsKey("scaffold.c");
            }
        }
    }

    @Test
    void dropoutsStragglersAndPersonalLayersAreSimulatedAndReported() {
        Cli run = federate("--rounds", "3", "--dropout", "0.3", "--straggle", "0.4", "--personal-layers", "1", "--decompose-every", "0",
                "--seed", "5");
        assertThat(run.status()).as(run.err()).isZero();
        String runId = runIdOf(run);
        List<Row> clients = rows("client_metrics", runId);
        assertThat(clients).hasSize(18);
        List<String> statuses = clients.stream().map(r -> r.<String>getAs("status")).toList();
        assertThat(statuses).contains("dropped", "partial", "ok");
        List<Row> rounds = rows("round_metrics", runId);
        for (Row r : rounds) {
            assertThat(r.<Integer>getAs("clients") + r.<Integer>getAs("clients_dropped")).isEqualTo(6);
            assertThat((Object) r.getAs("decomp_local")).isNull();
            assertThat(r.<Double>getAs("mean_personal_accuracy")).isBetween(0.0, 1.0);
            assertThat(r.<Double>getAs("mean_global_holdout_accuracy")).isBetween(0.0, 1.0);
        }
        // personal layer 1 is kept per client in the lake
        List<Row> states = rows("client_state", runId);
        assertThat(states).isNotEmpty();
        assertThat(states.get(0).getJavaMap(states.get(0).fieldIndex("tensors"))).containsKeys("personal.1_W", "personal.1_b");
        // partial clients did fewer steps than full ones of the same size
        assertThat(clients.stream().filter(r -> r.getAs("status").equals("partial")).mapToLong(r -> r.<Long>getAs("steps")).min().orElseThrow())
                .isLessThan(clients.stream().filter(r -> r.getAs("status").equals("ok")).mapToLong(r -> r.<Long>getAs("steps")).max().orElseThrow());
    }

    @Test
    void sparkTasksAndAThreadPoolGiveBitIdenticalRoundsAndWeights() {
        Lake lakeOf = new Lake(spark, lake.toString());
        ClientDatasets.PlanInfo info = ClientDatasets.describe(lakeOf, "p");
        ModelSpec model = ModelSpec.parse("mlp:16", 36, info.numClasses());
        ClientSource source = ClientSource.of(ClientDatasets.load(lakeOf, info, info.numClients()), info.numClients());
        try {
            Map<Integer, ClientData> byId = new HashMap<>();
            source.rdd().collect().forEach(c -> byId.put(c.clientId(), c));
            ClientData test = ClientDatasets.loadSplit(lakeOf, info.dataset(), "test", info.shape(), info.numClasses(), 0, 0);
            ClientData sample = ClientDatasets.loadSplit(lakeOf, info.dataset(), "train", info.shape(), info.numClasses(), 60, 3);
            LocalTraining local = new LocalTraining(2, 0, 16, new OptimizerSpec("nesterov", 0.05, 0.9), "fused");
            // SCAFFOLD: the Spark tasks send their clients' sums (and the clients' state) instead of models; FedMedian: per-client models
            for (String[] strategy : new String[][] {{"scaffold"}, {"fedmedian"}}) {
                Map<String, String> options = Map.of();
                RunSettings settings = new RunSettings(3, 5, local, strategy[0], options, new LayerPolicy(Set.of(1)), 0.2, 0.3, false, 1, 60, 0.2, 1, 9);
                Simulation.Setup setup = new Simulation.Setup("executors", settings, model, source.available(), test, sample);

                MemorySink viaSpark = new MemorySink();
                Simulation a = new Simulation(setup);
                float[] sparkWeights;
                try (SparkExecutor executor = new SparkExecutor(JavaSparkContext.fromSparkContext(spark.sparkContext()), source, a.clientRunner(),
                        sample, "executors", "test")) {
                    sparkWeights = a.run(executor, viaSpark, null, (m, w) -> { });
                    RoundPlan plan = new RoundPlanner(settings, source.available(), a.strategy()).plan(1, sparkWeights, a.strategy().initialState(sparkWeights));
                    ClientExecutor.Trained trained = executor.train(plan);
                    if (strategy[0].equals("scaffold")) {
                        assertThat(trained.sums()).isNotEmpty();
                        assertThat(trained.outcomes()).allSatisfy(o -> assertThat(o.update().weights()).isEmpty());
                    } else {
                        assertThat(trained.sums()).isNull();
                    }
                }
                MemorySink viaThreads = new MemorySink();
                Simulation b = new Simulation(setup);
                float[] threadWeights;
                try (LocalExecutor executor = new LocalExecutor(b.clientRunner(), byId, sample, 2)) {
                    threadWeights = b.run(executor, viaThreads, null, (m, w) -> { });
                }
                assertThat(viaSpark.metrics()).hasSize(3);
                assertThat(viaSpark.metrics().stream().map(RoundMetrics::numbers).toList()).as(strategy[0])
                        .isEqualTo(viaThreads.metrics().stream().map(RoundMetrics::numbers).toList());
                assertThat(Arrays.equals(sparkWeights, threadWeights)).as(strategy[0] + ": final weights bit for bit").isTrue();
                assertThat(viaSpark.metrics()).anySatisfy(m -> assertThat(m.dropped()).isPositive());
            }
        } finally {
            source.release();
        }
    }

    @Test
    void nonFiniteUpdatesAreRejectedNotAveraged() {
        Cli run = federate("--optimizer", "sgd", "--lr", "1e38", "--rounds", "1", "--decompose-every", "0");
        assertThat(run.status()).as(run.err()).isZero();
        String runId = runIdOf(run);
        Row round = rows("round_metrics", runId).get(0);
        assertThat(round.<Integer>getAs("clients_rejected")).isEqualTo(6);
        assertThat(round.<Integer>getAs("clients")).isZero();
        // the global model is the untouched initial one: still finite, still evaluated
        assertThat(round.<Double>getAs("test_loss")).isFinite();
        assertThat(rows("client_metrics", runId)).allSatisfy(r -> assertThat(r.<String>getAs("status")).isEqualTo("rejected"));
    }

    @Test
    void dl4jSparkParameterAveragingMatchesOurFedAvgOnIidClients() {
        // 480 examples, 6 IID clients of 80, batches of 16: no short batch, so DL4J's workers see exactly our batches
        Cli iid = Cli.run("prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "iid", "--clients", "6",
                "--plan", "iid6", "--lake", lake.toString());
        assertThat(iid.status()).as(iid.err()).isZero();
        String[] common = {"--plan", "iid6", "--local-epochs", "2", "--optimizer", "nesterov", "--lr", "0.05", "--trainer", "dl4j",
            "--decompose-every", "0"};
        Cli ours = federate(common);
        List<String> dl4j = new ArrayList<>(Arrays.asList(common));
        dl4j.addAll(List.of("--engine", "dl4j-spark"));
        Cli theirs = federate(dl4j.toArray(String[]::new));
        assertThat(ours.status()).as(ours.err()).isZero();
        assertThat(theirs.status()).as(theirs.err()).isZero();
        List<Row> a = rows("round_metrics", runIdOf(ours));
        List<Row> b = rows("round_metrics", runIdOf(theirs));
        assertThat(b).hasSize(2);
        for (int r = 0; r < 2; r++) {
            assertThat(b.get(r).<Double>getAs("test_loss")).isCloseTo(a.get(r).getAs("test_loss"), within(1e-5));
            assertThat(b.get(r).<Double>getAs("test_accuracy")).isEqualTo(a.get(r).<Double>getAs("test_accuracy"));
            assertThat(b.get(r).<Long>getAs("examples_trained")).isEqualTo(a.get(r).<Long>getAs("examples_trained")).isEqualTo(6 * 2 * 80L);
        }
        List<Float> wa = rows("checkpoints", runIdOf(ours)).get(1).getList(2);
        List<Float> wb = rows("checkpoints", runIdOf(theirs)).get(1).getList(2);
        assertThat(wb).hasSameSizeAs(wa);
        double largest = 0;
        for (int i = 0; i < wa.size(); i++) {
            largest = Math.max(largest, Math.abs(wa.get(i) - wb.get(i)));
        }
        assertThat(largest).as("largest weight difference after 2 rounds").isLessThan(1e-5);
    }

    @Test
    void compareRunsEveryStrategyAndSeedAndSummarisesThem() {
        Cli compare = Cli.run("compare", "--strategies", "fedavg,fedprox", "--seeds", "1,2", "--plan", "p", "--model", "mlp:8", "--rounds", "1",
                "--decompose-every", "1", "--mu", "0.1", "--lake", lake.toString());
        assertThat(compare.status()).as(compare.err()).isZero();
        assertThat(compare.out()).contains("== fedavg, seed 1 ==", "== fedprox, seed 2 ==", "best acc (mean ± sd)", "shift loss (mean ± sd)");
        List<String> table = compare.out().lines().filter(l -> l.startsWith("fedavg ") || l.startsWith("fedprox ")).toList();
        assertThat(table).hasSize(4).allSatisfy(l -> assertThat(l).contains(" 2 ", "±"));
        // the decomposition table's fedavg shift: the mean over its two runs of their (one round's) decomp_shift in the lake
        List<String> runIds = List.of(table.get(0).substring(table.get(0).lastIndexOf("±") + 8).trim().split(" "));
        assertThat(runIds).hasSize(2);
        double expected = spark.read().format("delta").load(lake.resolve("round_metrics").toString())
                .where(org.apache.spark.sql.functions.col("run_id").isin(runIds.toArray())).agg(org.apache.spark.sql.functions.avg("decomp_shift"))
                .first().getDouble(0);
        String shift = table.get(2).trim().split("\\s+")[2];
        assertThat(Double.parseDouble(shift)).isCloseTo(expected, within(6e-5));
    }

    @Test
    void compareRefusesConfigKeysAndStrategyOptionsNoRunWouldTake() throws IOException {
        long runsBefore = spark.read().format("delta").load(lake.resolve("runs").toString()).count();
        Path yaml = Files.writeString(dir.resolve("compare.yaml"), "plan: p\nrounds: 1\nnonsense: 3\n");
        Cli unknown = Cli.run("compare", "--strategies", "fedavg", "--seeds", "1", "--federate-config", yaml.toString(), "--lake", lake.toString());
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err().strip().lines().count()).as(unknown.err()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown key 'nonsense' for 'compare'");
        Cli untaken = Cli.run("compare", "--strategies", "fedavg,fedld", "--seeds", "1", "--plan", "p", "--mu", "0.1", "--lake", lake.toString());
        assertThat(untaken.status()).isEqualTo(2);
        assertThat(untaken.err()).contains("--mu applies to none of the compared strategies (fedavg, fedld); fedprox takes it.");
        assertThat(spark.read().format("delta").load(lake.resolve("runs").toString()).count()).isEqualTo(runsBefore);
    }

    @Test
    void badInputEndsWithOneSentenceAndChangesNoTable() {
        long runsBefore = spark.read().format("delta").load(lake.resolve("runs").toString()).count();
        String[][] cases = {
            {"--plan", "nope"},
            {"--strategy", "fedavg", "--mu", "0.1"},
            {"--strategy", "fedsgd"},
            {"--personal-layers", "7"},
            {"--fraction", "2"},
            {"--rounds", "0"},
            {"--model", "cnn"},
            {"--resume", "20990101-000000-000000"},
            {"--engine", "spark"},
            {"--engine", "dl4j-spark", "--strategy", "fedprox", "--mu", "0.1"},
        };
        String[] expected = {"no partition plan 'nope'", "--mu does not apply to the fedavg strategy", "--strategy 'fedsgd'",
            "layer 7 has no parameters", "--fraction 2.0", "--rounds 0", "square", "--plan, --model, --rounds",
            "Invalid --engine 'spark'", "cannot take --strategy fedprox"};
        for (int i = 0; i < cases.length; i++) {
            Cli bad = federate(cases[i]);
            assertThat(bad.status()).as(Arrays.toString(cases[i]) + bad.err()).isEqualTo(2);
            assertThat(bad.err().strip().lines().count()).as(bad.err()).isEqualTo(1);
            assertThat(bad.err()).contains(expected[i]);
        }
        Cli unknownRun = Cli.run("federate", "--resume", "20990101-000000-000000", "--lake", lake.toString());
        assertThat(unknownRun.status()).isEqualTo(2);
        assertThat(unknownRun.err().strip().lines().count()).as(unknownRun.err()).isEqualTo(1);
        assertThat(unknownRun.err()).contains("no run with that id");
        assertThat(spark.read().format("delta").load(lake.resolve("runs").toString()).count()).isEqualTo(runsBefore);
    }
}
