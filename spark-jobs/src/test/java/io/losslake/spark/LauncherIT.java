package io.losslake.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/losslake as a user runs it: a separate JVM on the shaded jar plus Spark's classpath. Also
 * the spark-submit contract: a master given as the spark.master system property (what spark-submit
 * sets) is the one the job runs under.
 */
class LauncherIT {
    static final Path LAUNCHER = Path.of("..", "bin", "losslake").toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    static Path data;

    record Result(int status, String out, String err) {
    }

    @BeforeAll
    static void data() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 200, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 80, 6, 4, 2), false);
    }

    static Process start(Map<String, String> env, Path outFile, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        builder.redirectOutput(outFile.toFile()).redirectError(dir.resolve(outFile.getFileName() + ".err").toFile());
        return builder.start();
    }

    static Result launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("launcher finished").isTrue();
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandHasHelpAndTheVersionIsReported() throws Exception {
        Result help = launch(Map.of(), "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("pipeline", "Usage: losslake");
        Result pipelineHelp = launch(Map.of(), "pipeline", "--help");
        assertThat(pipelineHelp.status()).isZero();
        assertThat(pipelineHelp.out()).contains("--clients", "--rounds", "--lake", "--master", "--config");
        Result version = launch(Map.of(), "--version");
        assertThat(version.out()).startsWith("losslake ").doesNotContain("unknown");
    }

    @Test
    void badInputExitsWith2AndOneSentence() throws Exception {
        Result bad = launch(Map.of(), "pipeline", "--clients", "0", "--lake", dir.resolve("never").toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("losslake: Invalid --clients 0: expected at least 1 client.");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void aRunKilledInRoundThreeResumesToExactlyTheUninterruptedMetrics() throws Exception {
        Path lake = dir.resolve("lake-resume");
        SparkSession spark = TestSpark.builder().getOrCreate();
        try {
            Cli prepared = Cli.run("prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.5",
                    "--clients", "5", "--min-size", "10", "--plan", "p", "--lake", lake.toString());
            assertThat(prepared.status()).as(prepared.err()).isZero();
        } finally {
            spark.stop();
        }
        String[] run = {"federate", "--plan", "p", "--model", "mlp:8", "--rounds", "6", "--fraction", "0.6", "--strategy", "scaffold",
            "--dropout", "0.2", "--local-epochs", "3", "--batch-size", "8", "--lr", "0.05", "--decompose-sample", "50", "--seed", "11",
            "--lake", lake.toString()};
        Result whole = launch(Map.of(), run);
        assertThat(whole.status()).as(whole.err()).isZero();

        Path killedOut = dir.resolve("killed.txt");
        Process killed = start(Map.of(), killedOut, run);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!Files.readString(killedOut).contains("round 2/6") && System.nanoTime() < deadline && killed.isAlive()) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(killedOut)).contains("round 2/6");
        Thread.sleep(300); // inside round 3
        killed.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
        killed.waitFor();
        assertThat(Files.readString(killedOut)).doesNotContain("round 6/6");
        String runId = Files.readString(killedOut).lines().findFirst().orElseThrow().substring("losslake federate: run ".length()).split("[ ,]")[0];

        Result resumed = launch(Map.of(), "federate", "--resume", runId, "--lake", lake.toString());
        assertThat(resumed.status()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resumed after round", "round 6/6");

        spark = TestSpark.builder().getOrCreate();
        try {
            String wholeId = whole.out().lines().findFirst().orElseThrow().substring("losslake federate: run ".length()).split("[ ,]")[0];
            List<String> expected = metrics(spark, lake, wholeId);
            List<String> actual = metrics(spark, lake, runId);
            assertThat(expected).hasSize(6);
            assertThat(actual).isEqualTo(expected);
            Row status = spark.read().format("delta").load(lake.resolve("runs").toString()).where(col("run_id").equalTo(runId)).first();
            assertThat(status.<String>getAs("status")).isEqualTo("SUCCEEDED");
            assertThat(spark.read().format("delta").load(lake.resolve("checkpoints").toString()).where(col("run_id").equalTo(runId)).count())
                    .isEqualTo(6);
        } finally {
            spark.stop();
        }
    }

    private static List<String> metrics(SparkSession spark, Path lake, String runId) {
        return spark.read().format("delta").load(lake.resolve("round_metrics").toString()).where(col("run_id").equalTo(runId))
                .orderBy("round").collectAsList().stream()
                .map(r -> r.getAs("round") + " " + r.getAs("test_loss") + " " + r.getAs("test_accuracy") + " " + r.getAs("mean_client_train_loss")
                        + " " + r.getAs("clients") + " " + r.getAs("decomp_local") + " " + r.getAs("decomp_shift") + " " + r.getAs("decomp_aggregation")
                        + " " + r.getAs("train_flops"))
                .toList();
    }

    @Test
    void tasksThatFailTheirFirstAttemptAreRetriedToTheSameNumbers() throws Exception {
        Path clean = dir.resolve("lake-clean");
        Path faulty = dir.resolve("lake-faulty");
        Path sweep = TinySweep.write(dir.resolve("faults-sweep.yaml"), "f");
        SparkSession spark = TestSpark.builder().getOrCreate();
        try {
            for (Path lake : List.of(clean, faulty)) {
                Cli prepared = Cli.run("prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.5",
                        "--clients", "6", "--min-size", "10", "--plan", "p", "--lake", lake.toString());
                assertThat(prepared.status()).as(prepared.err()).isZero();
            }
        } finally {
            spark.stop();
        }
        String[] federate = {"federate", "--plan", "p", "--model", "mlp:8", "--rounds", "4", "--strategy", "scaffold", "--local-epochs", "2",
            "--batch-size", "8", "--lr", "0.05", "--decompose-sample", "50", "--seed", "3"};
        Result a = launch(Map.of(), concat(federate, "--master", "local[2]", "--lake", clean.toString()));
        assertThat(a.status()).as(a.err()).isZero();
        // every first attempt of about half the client and sweep tasks fails; local[2,4] retries each up to 3 more times
        String[] faults = {"--master", "local[2,4]", "--conf", "spark.losslake.faults.taskFailure=0.5", "--conf", "spark.losslake.faults.seed=1"};
        Result b = launch(Map.of(), concat(concat(federate, faults), "--lake", faulty.toString()));
        assertThat(b.status()).as(b.err()).isZero();
        assertThat(b.err()).contains("injected fault");
        Result c = launch(Map.of(), "sweep", "--config", sweep.toString(), "--master", "local[2]", "--lake", clean.toString());
        assertThat(c.status()).as(c.err()).isZero();
        Result d = launch(Map.of(), concat(concat(new String[] {"sweep", "--config", sweep.toString()}, faults), "--lake", faulty.toString()));
        assertThat(d.status()).as(d.err()).isZero();
        assertThat(d.err()).contains("injected fault");

        spark = TestSpark.builder().getOrCreate();
        try {
            assertThat(metrics(spark, faulty, runId(b.out()))).hasSize(4).isEqualTo(metrics(spark, clean, runId(a.out())));
            assertThat(sweepPoints(spark, faulty)).hasSize(2 * 2 * 2 * 2).isEqualTo(sweepPoints(spark, clean));
        } finally {
            spark.stop();
        }
    }

    private static String runId(String federateOut) {
        return federateOut.lines().findFirst().orElseThrow().substring("losslake federate: run ".length()).split("[ ,]")[0];
    }

    private static List<String> sweepPoints(SparkSession spark, Path lake) {
        return spark.read().format("delta").load(lake.resolve("sweep_points").toString()).orderBy("run_key", "step", "eval_set").collectAsList()
                .stream().map(r -> r.getAs("run_key") + " " + r.getAs("step") + " " + r.getAs("eval_set") + " " + r.getAs("loss") + " "
                        + r.getAs("accuracy") + " " + r.getAs("flops"))
                .toList();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void fourConcurrentProcessesIntoOneFreshLocalLakeAllSucceedWithExactRows() throws Exception {
        Path lake = dir.resolve("lake-concurrent");
        int writers = 4;
        for (int batch = 1; batch <= 2; batch++) { // the first batch races to create every table; the second appends to them
            List<Process> processes = new ArrayList<>();
            for (int w = 0; w < writers; w++) { // two pipelines (runs, round_metrics, checkpoints), two prepares of one dataset (examples, plans)
                Path out = dir.resolve("concurrent-" + batch + "-" + w + ".txt");
                processes.add(w % 2 == 0
                        ? start(Map.of(), out, "pipeline", "--data", data.toString(), "--classes", "4", "--clients", "2", "--rounds", "2",
                                "--model", "mlp:8", "--lr", "0.05", "--seed", Integer.toString(w), "--master", "local[1]", "--lake", lake.toString())
                        : start(Map.of(), out, "prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "iid", "--clients", "2",
                                "--plan", "p" + w, "--master", "local[1]", "--lake", lake.toString()));
            }
            for (int w = 0; w < writers; w++) {
                Process p = processes.get(w);
                assertThat(p.waitFor(6, TimeUnit.MINUTES)).as("writer " + w + " finished").isTrue();
                String err = Files.readString(dir.resolve("concurrent-" + batch + "-" + w + ".txt.err"));
                assertThat(p.exitValue()).as("writer " + w + " of batch " + batch + ": " + err).isZero();
                assertThat(err).doesNotContain("\tat ", "ERROR"); // no stack trace; a retried race is one INFO line
            }
            SparkSession spark = TestSpark.builder().getOrCreate();
            try {
                List<Row> runs = spark.read().format("delta").load(lake.resolve("runs").toString()).collectAsList();
                assertThat(runs).hasSize(writers * batch).allMatch(r -> r.getAs("status").equals("SUCCEEDED"));
                org.apache.spark.sql.Dataset<Row> metrics = spark.read().format("delta").load(lake.resolve("round_metrics").toString());
                assertThat(metrics.count()).isEqualTo(2L * 2 * batch);
                assertThat(metrics.select("run_id", "round").distinct().count()).isEqualTo(2L * 2 * batch);
                // both prepares replace the one dataset's examples (never duplicated) and each writes its own plan
                assertThat(spark.read().format("delta").load(lake.resolve("examples").toString()).count()).isEqualTo(200 + 80);
                assertThat(spark.read().format("delta").load(lake.resolve("partitions").toString()).count()).isEqualTo(2 * 200);
            } finally {
                spark.stop();
            }
        }
    }

    @Test
    void runsThePipelineEmbeddedUnderTheMasterSparkSubmitWouldSet() throws Exception {
        Path lake = dir.resolve("lake");
        Result run = launch(Map.of("LOSSLAKE_JAVA_OPTS", "-Dspark.master=local[1]"), "pipeline", "--data", data.toString(),
                "--classes", "4", "--clients", "2", "--rounds", "2", "--model", "mlp:8", "--lr", "0.05", "--lake", lake.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("round 1/2", "round 2/2", "SUCCEEDED");
        // Spark stays quiet on the console: no INFO lines.
        assertThat(run.err()).doesNotContain(" INFO ");

        SparkSession spark = TestSpark.builder().getOrCreate();
        try {
            Row row = spark.read().format("delta").load(lake.resolve("runs").toString()).first();
            assertThat(row.<String>getAs("spark_master")).isEqualTo("local[1]");
            assertThat(row.<String>getAs("status")).isEqualTo("SUCCEEDED");
            assertThat(spark.read().format("delta").load(lake.resolve("round_metrics").toString()).count()).isEqualTo(2);
        } finally {
            spark.stop();
        }
    }
}
