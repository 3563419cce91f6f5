package io.losslake.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 'distill' against a real lake: one synthetic set per client, the random-real baseline drawn from
 * each client's own examples, the one-shot evaluation rows, the image grids, identical results for
 * the same seed, and bad input that leaves the lake as it was.
 */
class DistillTest {
    static SparkSession spark;

    @TempDir
    static Path dir;
    static Path lake;

    @BeforeAll
    static void prepare() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 240, 16, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 60, 16, 4, 2), true);
        spark = TestSpark.builder().getOrCreate();
        lake = dir.resolve("lake");
        Cli prepared = Cli.run("prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.3",
                "--clients", "3", "--min-size", "10", "--plan", "p", "--lake", lake.toString());
        assertThat(prepared.status()).as(prepared.err()).isZero();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Cli distill(String... extra) {
        List<String> args = new ArrayList<>(List.of("distill", "--plan", "p", "--ipc", "3", "--iterations", "20", "--real-batch", "16",
                "--embed-channels", "2,3", "--eval-model", "mlp:8", "--eval-epochs", "5", "--eval-seeds", "2", "--lake", lake.toString()));
        args.addAll(Arrays.asList(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    static String runIdOf(Cli run) {
        String line = run.out().lines().filter(l -> l.startsWith("losslake distill: run ")).findFirst().orElseThrow();
        return line.substring("losslake distill: run ".length()).split("[ ,]")[0];
    }

    static List<Row> rows(String table, String runId) {
        return spark.read().format("delta").load(lake.resolve(table).toString()).where(col("run_id").equalTo(runId))
                .orderBy("client_id", "method", "label", "position").collectAsList();
    }

    /** Per client, per label, its examples' feature vectors. */
    static Map<Integer, Map<Integer, List<List<Float>>>> clientExamples() {
        Map<Integer, Map<Integer, List<List<Float>>>> out = new HashMap<>();
        List<Row> rows = spark.read().format("delta").load(lake.resolve("partitions").toString()).where(col("partition_id").equalTo("p"))
                .join(spark.read().format("delta").load(lake.resolve("examples").toString()).where(col("split").equalTo("train")), "example_id")
                .select("client_id", "label", "features").collectAsList();
        for (Row r : rows) {
            out.computeIfAbsent(r.getInt(0), k -> new HashMap<>()).computeIfAbsent(r.getInt(1), k -> new ArrayList<>()).add(r.getList(2));
        }
        return out;
    }

    @Test
    void everyClientGetsItsSetsTheirGridAndTheOneShotServerIsEvaluatedAgainstRandomReal() throws IOException {
        Path plots = dir.resolve("plots");
        Cli run = distill("--plots", plots.toString());
        assertThat(run.status()).as(run.err()).isZero();
        String runId = runIdOf(run);
        Map<Integer, Map<Integer, List<List<Float>>>> examples = clientExamples();
        List<Row> synthetic = rows("synthetic_examples", runId);
        int expected = 0;
        for (Map.Entry<Integer, Map<Integer, List<List<Float>>>> client : examples.entrySet()) {
            for (Map.Entry<Integer, List<List<Float>>> byClass : client.getValue().entrySet()) {
                int k = Math.min(3, byClass.getValue().size());
                expected += k;
                for (String method : List.of("dm", "random")) {
                    List<Row> mine = synthetic.stream().filter(r -> r.getInt(r.fieldIndex("client_id")) == client.getKey()
                            && r.<String>getAs("method").equals(method) && r.getInt(r.fieldIndex("label")) == byClass.getKey()).toList();
                    assertThat(mine).as("client %d class %d %s", client.getKey(), byClass.getKey(), method).hasSize(k);
                    for (Row r : mine) {
                        List<Float> features = r.getList(r.fieldIndex("features"));
                        assertThat(features).hasSize(256);
                        if (method.equals("random")) {
                            // the baseline is the client's own real examples of that class
                            assertThat(byClass.getValue()).contains(features);
                        }
                    }
                }
            }
        }
        assertThat(synthetic).hasSize(2 * expected);
        // DM moved its images away from the real ones it started from
        assertThat(synthetic.stream().filter(r -> r.<String>getAs("method").equals("dm"))
                .filter(r -> examples.get(r.<Integer>getAs("client_id")).get(r.<Integer>getAs("label")).contains(r.getList(r.fieldIndex("features"))))).isEmpty();

        List<Row> evals = spark.read().format("delta").load(lake.resolve("distill_evals").toString()).where(col("run_id").equalTo(runId))
                .orderBy("method", "eval_seed").collectAsList();
        assertThat(evals).hasSize(4);
        for (Row e : evals) {
            assertThat(e.<Integer>getAs("clients")).isEqualTo(examples.size());
            assertThat(e.<Integer>getAs("train_examples")).isEqualTo(expected);
            assertThat(e.<Long>getAs("transmitted_floats")).isEqualTo(expected * 257L);
            assertThat(e.<Double>getAs("test_accuracy")).isBetween(0.0, 1.0);
            assertThat(e.<String>getAs("eval_model")).isEqualTo("mlp:8");
        }
        assertThat(evals.stream().map(e -> e.<String>getAs("method")).toList()).containsExactly("dm", "dm", "random", "random");
        Row runRow = spark.read().format("delta").load(lake.resolve("runs").toString()).where(col("run_id").equalTo(runId)).first();
        assertThat(runRow.<String>getAs("status")).isEqualTo("SUCCEEDED");
        assertThat(runRow.<String>getAs("command")).isEqualTo("distill");
        assertThat(run.out()).contains("test accuracy").contains("random");

        for (int client : examples.keySet()) {
            Path png = plots.resolve(runId + "-client-" + client + "-dm.png");
            BufferedImage image = ImageIO.read(png.toFile());
            // a row per class (4) and a column per example (3), each 16 pixels drawn 2x with 1-pixel gaps
            assertThat(image.getHeight()).isEqualTo(4 * (32 + 1) + 1);
            assertThat(image.getWidth()).isEqualTo(3 * (32 + 1) + 1);
        }

        // the same seed gives the same sets, bit for bit, whichever task ran which client
        Cli again = distill("--eval-seeds", "0", "--plots", dir.resolve("plots2").toString());
        assertThat(again.status()).as(again.err()).isZero();
        List<Row> second = rows("synthetic_examples", runIdOf(again));
        assertThat(second).hasSize(expected); // no baseline without an evaluation
        List<Row> firstDm = synthetic.stream().filter(r -> r.<String>getAs("method").equals("dm")).toList();
        for (int i = 0; i < second.size(); i++) {
            assertThat(second.get(i).getList(second.get(i).fieldIndex("features"))).isEqualTo(firstDm.get(i).getList(firstDm.get(i).fieldIndex("features")));
        }
    }

    @Test
    void theBaselineIsTheMethodsOwnStartAndTrajectoryMatchingRunsWithItsLearnedRate() {
        // an image rate of ~0 leaves DM where it started: its images are then the baseline's, up to float rounding
        Cli still = distill("--iterations", "1", "--image-lr", "1e-12", "--eval-seeds", "1", "--plots", dir.resolve("plots4").toString());
        assertThat(still.status()).as(still.err()).isZero();
        List<Row> rows = rows("synthetic_examples", runIdOf(still));
        List<Row> dm = rows.stream().filter(r -> r.<String>getAs("method").equals("dm")).toList();
        List<Row> random = rows.stream().filter(r -> r.<String>getAs("method").equals("random")).toList();
        assertThat(dm).hasSameSizeAs(random);
        for (int i = 0; i < dm.size(); i++) {
            List<Float> a = dm.get(i).getList(dm.get(i).fieldIndex("features"));
            List<Float> b = random.get(i).getList(random.get(i).fieldIndex("features"));
            for (int k = 0; k < a.size(); k++) {
                assertThat(a.get(k)).isCloseTo(b.get(k), org.assertj.core.data.Offset.offset(1e-5f));
            }
        }

        Cli ast = distill("--method", "ast", "--iterations", "4", "--student", "8", "--experts", "1", "--expert-epochs", "1", "--max-start-epoch", "2",
                "--syn-steps", "3", "--lr-lr", "1e-4", "--plots", dir.resolve("plots5").toString());
        assertThat(ast.status()).as(ast.err()).isZero();
        assertThat(ast.out()).contains("trajectory matching").contains("trained at the rate its students ended with");
        String runId = runIdOf(ast);
        assertThat(rows("synthetic_examples", runId).stream().map(r -> r.<String>getAs("method")).distinct()).containsExactlyInAnyOrder("ast", "random");
        assertThat(spark.read().format("delta").load(lake.resolve("distill_evals").toString()).where(col("run_id").equalTo(runId)).count()).isEqualTo(4);
    }

    @Test
    void aClassScarcerThanTheBudgetIsSaidAndKeptAsItIs() {
        Cli run = distill("--method", "random", "--ipc", "200", "--eval-seeds", "1", "--plots", dir.resolve("plots3").toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("fewer than 200 examples of class");
        // every client keeps every example it has: the sets are the plan's 240 examples
        assertThat(rows("synthetic_examples", runIdOf(run))).hasSize(240);
    }

    /** Every file of the lake with its size: equal listings mean nothing was written. */
    static Map<String, Long> listing() throws IOException {
        try (var files = Files.walk(lake)) {
            return files.filter(Files::isRegularFile).collect(java.util.stream.Collectors.toMap(Path::toString, f -> f.toFile().length(), (a, b) -> a,
                    java.util.TreeMap::new));
        }
    }

    @Test
    void aFederatedRunUploadsEachClientsSetOnceAndTheServerFineTunesOnTheUnion() throws IOException {
        Cli sets = distill("--method", "random", "--eval-seeds", "0", "--plots", dir.resolve("plots-random").toString());
        assertThat(sets.status()).as(sets.err()).isZero();
        String setsRun = runIdOf(sets);
        long setFloats = rows("synthetic_examples", setsRun).size() * 257L; // 256 pixels and a label each
        String[] federate = {"federate", "--plan", "p", "--model", "mlp:8", "--rounds", "2", "--lr", "0.05", "--decompose-every", "0",
            "--seed", "5", "--lake", lake.toString()};
        Cli plain = Cli.run(federate);
        assertThat(plain.status()).as(plain.err()).isZero();
        List<String> args = new ArrayList<>(List.of(federate));
        args.addAll(List.of("--synthetic", setsRun, "--synthetic-epochs", "3", "--synthetic-batch", "16"));
        Cli tuned = Cli.run(args.toArray(String[]::new));
        assertThat(tuned.status()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("synthetic sets of distill run " + setsRun);
        List<Row> a = roundMetrics(plain);
        List<Row> b = roundMetrics(tuned);
        long p = (256 * 8 + 8) + (8 * 4 + 4);
        int clients = clientExamples().size();
        // every client is sampled in round 1: all sets arrive then, none in round 2
        assertThat(b.stream().map(r -> r.<Long>getAs("synthetic_floats")).toList()).containsExactly(setFloats, 0L);
        assertThat(b.get(0).<Long>getAs("uploaded_floats")).isEqualTo(clients * p + setFloats);
        assertThat(a.stream().map(r -> r.<Long>getAs("synthetic_floats")).toList()).containsExactly(0L, 0L);
        // the same clients trained the same first round; the server's fine-tuning changed the global model and added its FLOPs
        assertThat(b.get(0).<Long>getAs("examples_trained")).isEqualTo(a.get(0).<Long>getAs("examples_trained"));
        assertThat(b.get(0).<Double>getAs("test_loss")).isNotEqualTo(a.get(0).<Double>getAs("test_loss"));
        // training FLOPs per example of mlp:8 on 256 inputs: per layer 2 MACs + outputs forward, as much for the weight gradient,
        // and 2 MACs more for the input gradient beyond the first layer
        double perExample = (4.0 * 256 * 8 + 2 * 8) + (6.0 * 8 * 4 + 2 * 4);
        assertThat(b.get(0).<Double>getAs("train_flops") - a.get(0).<Double>getAs("train_flops"))
                .isCloseTo(3 * (setFloats / 257) * perExample, org.assertj.core.data.Percentage.withPercentage(1e-6));

        Map<String, Long> before = listing();
        Map<String[], String> cases = new java.util.LinkedHashMap<>();
        cases.put(new String[] {"--synthetic", "20260101-000000-000000"}, "holds no synthetic examples of that run");
        cases.put(new String[] {"--synthetic", setsRun, "--synthetic-method", "dm"}, "holds sets of random only");
        cases.put(new String[] {"--synthetic", setsRun, "--synthetic-method", "gan"}, "Invalid --synthetic-method 'gan'");
        cases.put(new String[] {"--synthetic", setsRun, "--synthetic-epochs", "0"}, "Invalid --synthetic-epochs 0");
        cases.put(new String[] {"--synthetic-lr", "0.1"}, "need --synthetic RUN_ID");
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            List<String> bad = new ArrayList<>(List.of(federate));
            bad.addAll(Arrays.asList(c.getKey()));
            Cli run = Cli.run(bad.toArray(String[]::new));
            assertThat(run.status()).as(String.join(" ", c.getKey()) + ": " + run.err()).isEqualTo(2);
            assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
            assertThat(run.err()).contains(c.getValue());
        }
        assertThat(listing()).isEqualTo(before);
    }

    static List<Row> roundMetrics(Cli federate) {
        String id = federate.out().lines().findFirst().orElseThrow().substring("losslake federate: run ".length()).split("[ ,]")[0];
        return spark.read().format("delta").load(lake.resolve("round_metrics").toString()).where(col("run_id").equalTo(id)).orderBy("round").collectAsList();
    }

    @Test
    void badInputEndsWithOneSentenceAndLeavesTheLakeAsItWas() throws IOException {
        Map<String, Long> before = listing();
        Map<String[], String> cases = new java.util.LinkedHashMap<>();
        cases.put(new String[] {"--ipc", "0"}, "Invalid --ipc 0");
        cases.put(new String[] {"--method", "mtt"}, "Invalid --method 'mtt': expected one of dm, ast, random");
        cases.put(new String[] {"--iterations", "0"}, "Invalid --iterations 0");
        cases.put(new String[] {"--init", "zeros"}, "expected real or noise");
        cases.put(new String[] {"--embed-channels", "8"}, "Invalid --embed-channels '8'");
        cases.put(new String[] {"--image-lr", "-1"}, "Invalid --image-lr");
        cases.put(new String[] {"--eval-seeds", "-1"}, "Invalid --eval-seeds -1");
        cases.put(new String[] {"--eval-epochs", "0"}, "Invalid --eval-epochs 0");
        cases.put(new String[] {"--eval-model", "transformer"}, "--eval-model 'transformer'");
        cases.put(new String[] {"--plan", "nope"}, "no partition plan 'nope'");
        cases.put(new String[] {"--method", "ast", "--student", "wide"}, "Invalid --student 'wide'");
        cases.put(new String[] {"--plots", "/proc/no-such-folder/grids"}, "Invalid --plots /proc/no-such-folder/grids");
        cases.put(new String[] {"--method", "ast", "--experts", "0"}, "Invalid --experts 0");
        cases.put(new String[] {"--method", "ast", "--init", "herding"}, "expected real, kmeans or noise");
        cases.put(new String[] {"--method", "dm", "--init", "kmeans"}, "expected real or noise");
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            Cli bad = distill(c.getKey());
            assertThat(bad.status()).as(String.join(" ", c.getKey()) + ": " + bad.err()).isEqualTo(2);
            assertThat(bad.err().strip().lines()).as(bad.err()).hasSize(1);
            assertThat(bad.err()).contains(c.getValue());
        }
        assertThat(listing()).isEqualTo(before);
    }
}
