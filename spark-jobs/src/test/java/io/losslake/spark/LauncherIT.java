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
    /**
     * JVM flags for processes that start, write little and end, through the launcher's LOSSLAKE_JAVA_OPTS: C1 only
     * and the serial collector. Eight such JVMs at once on 2 cores spend most of their time compiling: the concurrent
     * writers' test took 353 s without them, 208 s with. Processes that train for a while are slower under C1
     * (the kill and fault tests took 15% longer), so those keep the default JIT.
     */
    static final String QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

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

    /**
     * kill -9 of prepare, sweep, a federate run that batches its commits (FedAdam) and one whose clients keep state
     * (SCAFFOLD), each at a seeded random moment inside its work; then prepare and sweep are run again and the federate
     * runs resumed. Every table must end as after uninterrupted runs of the same commands: no row lost, none twice.
     */
    @Test
    void killedPrepareSweepFederateDistillAndBarrierRunsEndAsTheirUninterruptedRuns() throws Exception {
        Path whole = dir.resolve("lake-whole");
        Path killed = dir.resolve("lake-killed");
        Path sweepFile = TinySweep.write(dir.resolve("kill-sweep.yaml"), "k");
        String[] prepare = {"prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.5", "--clients", "6",
            "--min-size", "10", "--plan", "p"};
        String[] sweep = {"sweep", "--config", sweepFile.toString(), "--commit-every", "0"};
        // Batched commits, with a server state (FedAdam's moments), client sampling and dropouts to come back from the checkpoint
        String[] federate = {"federate", "--plan", "p", "--model", "mlp:8", "--rounds", "60", "--fraction", "0.6", "--dropout", "0.2",
            "--strategy", "fedadam", "--local-epochs", "2", "--batch-size", "8", "--lr", "0.05", "--decompose-sample", "50",
            "--commit-every", "1", "--seed", "5"};
        // Clients with state (SCAFFOLD's control variates): every round is committed, client state first
        String[] scaffold = {"federate", "--plan", "p", "--model", "mlp:8", "--rounds", "8", "--fraction", "0.6", "--strategy", "scaffold",
            "--local-epochs", "2", "--batch-size", "8", "--lr", "0.05", "--decompose-sample", "50", "--seed", "11"};
        // Trajectory matching (6x6 images are too small for DM), then evaluation networks that train for a few seconds
        String[] distill = {"distill", "--plan", "p", "--method", "ast", "--ipc", "10", "--iterations", "20", "--experts", "1", "--expert-epochs", "1",
            "--max-start-epoch", "1", "--syn-steps", "5", "--eval-model", "mlp:64", "--eval-epochs", "1000", "--eval-seeds", "3", "--plots",
            dir.resolve("kill-grids").toString()};
        String[] barrier = {"barrier", "--between", "global,client:1", "--alphas", "steps:4", "--cumulative", "shallow"};
        SparkSession spark = TestSpark.builder().getOrCreate();
        try {
            String wholeScaffold = null;
            for (String[] command : List.of(prepare, sweep, federate, scaffold, distill)) {
                Cli run = Cli.run(Cli.concat(command, "--lake", whole.toString()));
                assertThat(run.status()).as(run.err()).isZero();
                wholeScaffold = command == scaffold ? runId(run.out()) : wholeScaffold;
            }
            Cli measured = Cli.run(Cli.concat(barrier, "--run", wholeScaffold, "--lake", whole.toString()));
            assertThat(measured.status()).as(measured.err()).isZero();
            java.util.Random random = new java.util.Random(20261203);
            killSomewhere("prepare", true, Cli.concat(prepare, "--lake", killed.toString()), printed("dealt in"), 1500, "done in", random);
            Cli again = Cli.run(Cli.concat(prepare, "--lake", killed.toString()));
            assertThat(again.status()).as(again.err()).isZero();

            // after its first commit of points, so that the rerun must keep some runs and redo the others
            killSomewhere("sweep", true, Cli.concat(sweep, "--lake", killed.toString()), committed(killed.resolve("sweep_points")), 300, "runs done in", random);
            again = Cli.run(Cli.concat(sweep, "--lake", killed.toString()));
            assertThat(again.status()).as(again.err()).isZero();
            assertThat(again.out()).doesNotContain(", 0 already done"); // the runs it had committed were kept

            // after its first batch of rounds is committed (the checkpoint is its last append), somewhere in the next batches
            String federateOut = killSomewhere("fedadam", false, Cli.concat(federate, "--lake", killed.toString()), committed(killed.resolve("checkpoints")), 300,
                    "round 60/60", random);
            Cli resumed = Cli.run("federate", "--resume", runId(federateOut), "--lake", killed.toString());
            assertThat(resumed.status()).as(resumed.err()).isZero();
            assertThat(resumed.out()).contains("resumed after round", "round 60/60");
            assertThat(Files.readString(dir.resolve("killed-fedadam.txt.err"))).doesNotContain(" INFO "); // Spark stays quiet on the console

            // after its second round (reported once committed), somewhere in the next ones
            String scaffoldOut = killSomewhere("scaffold", true, Cli.concat(scaffold, "--lake", killed.toString()), printed("round 2/8"), 1500,
                    "round 8/8", random);
            resumed = Cli.run("federate", "--resume", runId(scaffoldOut), "--lake", killed.toString());
            assertThat(resumed.status()).as(resumed.err()).isZero();
            assertThat(resumed.out()).contains("resumed after round", "round 8/8");

            // after its synthetic sets are committed, while its evaluation networks train
            String distillOut = killSomewhere("distill", false, Cli.concat(distill, "--lake", killed.toString()), committed(killed.resolve("synthetic_examples")),
                    1500, "distill never prints this", random);
            resumed = Cli.run("distill", "--resume", distillOut.lines().filter(l -> l.startsWith("losslake distill: run ")).findFirst().orElseThrow()
                    .substring("losslake distill: run ".length()).split(",")[0], "--lake", killed.toString());
            assertThat(resumed.status()).as(resumed.err()).isZero();
            assertThat(resumed.out()).contains("had written its synthetic_examples; not written again", "evaluations in");

            // after its barriers are committed, while it records its end: the resumed run must not write them twice
            killSomewhere("barrier", true, Cli.concat(barrier, "--run", runId(scaffoldOut), "--lake", killed.toString()), committed(killed.resolve("barriers")),
                    1500, "barrier prints nothing after its commit", random);
            String barrierRun = spark.read().format("delta").load(killed.resolve("runs").toString()).where("command = 'barrier'").first().getAs("run_id");
            resumed = Cli.run("barrier", "--resume", barrierRun, "--lake", killed.toString());
            assertThat(resumed.status()).as(resumed.err()).isZero();
            assertThat(resumed.out()).contains("had written its barriers; not written again");

            for (String table : List.of("examples", "partitions", "partition_stats", "sweep_points", "round_metrics", "client_metrics", "client_state",
                    "checkpoints", "synthetic_examples", "distill_evals", "barriers")) {
                List<String> expected = TableContents.rows(spark, whole.resolve(table));
                assertThat(expected).as(table).isNotEmpty();
                assertThat(TableContents.rows(spark, killed.resolve(table))).as(table + " after kill -9 and a rerun or resume").isEqualTo(expected);
            }
            // A killed invocation cannot write its own end: its runs row (if it got as far as writing one) stays RUNNING, and
            // the rerun has a row of its own. The resumed federate run ends its own row.
            List<String> runs = spark.read().format("delta").load(killed.resolve("runs").toString()).collectAsList().stream()
                    .map(r -> r.<String>getAs("command") + " " + r.<String>getAs("status")).toList();
            assertThat(runs).filteredOn(r -> r.endsWith("SUCCEEDED")).containsExactlyInAnyOrder("prepare SUCCEEDED", "sweep SUCCEEDED", "federate SUCCEEDED",
                    "federate SUCCEEDED", "distill SUCCEEDED", "barrier SUCCEEDED");
            assertThat(runs).filteredOn(r -> !r.endsWith("SUCCEEDED")).isSubsetOf("prepare RUNNING", "sweep RUNNING").doesNotHaveDuplicates();
        } finally {
            spark.stop();
        }
    }

    /**
     * Starts the command in its own JVM ({@code quick}: under {@link #QUICK_JVM}, for one that needs to start more than to
     * train before its kill; under C1 the batched federate run finished its 60 rounds before its first commit), waits until {@code trigger} holds for what it printed, then a random
     * 0..{@code maxDelayMs} more, and kills it with SIGKILL before it prints {@code last}. Returns what it printed.
     */
    private static String killSomewhere(String name, boolean quick, String[] command, Trigger trigger, int maxDelayMs, String last, java.util.Random random) throws Exception {
        Path out = dir.resolve("killed-" + name + ".txt");
        Process process = start(quick ? Map.of("LOSSLAKE_JAVA_OPTS", QUICK_JVM) : Map.of(), out, command);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!trigger.test(Files.readString(out)) && System.nanoTime() < deadline && process.isAlive()) {
            Thread.sleep(20);
        }
        int delay = random.nextInt(maxDelayMs + 1);
        Thread.sleep(delay);
        String printed = Files.readString(out);
        assertThat(process.isAlive()).as(name + " still running " + delay + " ms after '" + trigger + "':\n" + printed
                + Files.readString(dir.resolve(out.getFileName() + ".err"))).isTrue();
        process.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
        process.waitFor();
        printed = Files.readString(out);
        assertThat(trigger.test(printed)).as(name + " reached " + trigger + ":\n" + printed).isTrue();
        assertThat(printed).as(name + " killed " + delay + " ms after " + trigger).doesNotContain(last);
        System.out.printf("LauncherIT: %s killed %d ms after %s%n", name, delay, trigger);
        return printed;
    }

    /** When a process may be killed: a condition on what it printed or on what it wrote. */
    interface Trigger {
        boolean test(String printed) throws IOException;
    }

    static Trigger printed(String text) {
        return new Trigger() {
            public boolean test(String printed) {
                return printed.contains(text);
            }

            public String toString() {
                return "'" + text + "'";
            }
        };
    }

    /** The table has a commit that added files (not only its creation). */
    static Trigger committed(Path table) {
        return new Trigger() {
            public boolean test(String printed) throws IOException {
                Path log = table.resolve("_delta_log");
                if (!Files.isDirectory(log)) {
                    return false;
                }
                try (var commits = Files.list(log)) {
                    for (Path commit : commits.filter(f -> f.getFileName().toString().matches("\\d{20}\\.json")).toList()) {
                        if (Files.readString(commit).contains("{\"add\":")) {
                            return true;
                        }
                    }
                }
                return false;
            }

            public String toString() {
                return "the first commit of rows to " + table.getFileName();
            }
        };
    }

    private static String runId(String federateOut) {
        return federateOut.lines().findFirst().orElseThrow().substring("losslake federate: run ".length()).split("[ ,]")[0];
    }


    @Test
    void fourConcurrentProcessesIntoOneFreshLocalLakeAllSucceedWithExactRows() throws Exception {
        fourWritersTwice("local", dir.resolve("lake-concurrent").toString(), List.of(), Map.of(), TestSpark.builder());
    }

    /**
     * The same on an s3a:// lake (an in-process S3 server) with the multi-writer setup: commits decided by a DynamoDB
     * table (dynalite) through {@link io.losslake.spark.lake.DynamoDbLogStore}. Without it the second writer would be
     * refused (S3LakeTest); with it none takes a lease, all succeed, and no row is lost or doubled.
     */
    @Test
    void fourConcurrentProcessesIntoOneFreshS3aLakeWithTheDynamoDbSetupAllSucceedWithExactRows() throws Exception {
        try (InProcessS3 s3 = InProcessS3.start("concurrent"); Dynalite dynamo = Dynalite.start()) {
            Map<String, String> settings = new java.util.LinkedHashMap<>();
            s3.s3aSettings().forEach((k, v) -> settings.put("spark.hadoop." + k, v));
            settings.put(io.losslake.spark.lake.DynamoDbLogStore.TABLE, "losslake_commits");
            settings.put(io.losslake.spark.lake.DynamoDbLogStore.ENDPOINT, dynamo.endpoint());
            List<String> conf = new ArrayList<>();
            settings.forEach((k, v) -> conf.addAll(List.of("--conf", k + "=" + v)));
            // the DynamoDB client's credentials come from the AWS SDK's default chain: the environment for the
            // processes, system properties for this JVM's reads
            Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", InProcessS3.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", InProcessS3.SECRET_KEY);
            System.setProperty("aws.accessKeyId", InProcessS3.ACCESS_KEY);
            System.setProperty("aws.secretKey", InProcessS3.SECRET_KEY);
            SparkSession.Builder reader = TestSpark.builder();
            settings.forEach(reader::config);
            fourWritersTwice("s3a", "s3a://concurrent/lake", conf, env, reader);
            assertThat(s3.blobs().getBlobStore().list("concurrent", org.jclouds.blobstore.options.ListContainerOptions.Builder
                    .prefix("lake/_losslake_writers/").recursive())).as("leases taken").isEmpty();
        }
    }

    /** Two batches of four processes (two pipelines, two prepares of one dataset) into {@code lake}: all succeed, rows exact. */
    private static void fourWritersTwice(String name, String lake, List<String> conf, Map<String, String> env, SparkSession.Builder reader)
            throws Exception {
        int writers = 4;
        for (int batch = 1; batch <= 2; batch++) { // the first batch races to create every table; the second appends to them
            List<Process> processes = new ArrayList<>();
            for (int w = 0; w < writers; w++) { // two pipelines (runs, round_metrics, checkpoints), two prepares of one dataset (examples, plans)
                Path out = dir.resolve("concurrent-" + name + "-" + batch + "-" + w + ".txt");
                List<String> args = new ArrayList<>(w % 2 == 0
                        ? List.of("pipeline", "--data", data.toString(), "--classes", "4", "--clients", "2", "--rounds", "2", "--model", "mlp:8",
                                "--lr", "0.05", "--seed", Integer.toString(w), "--lake", lake)
                        : List.of("prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "iid", "--clients", "2",
                                "--plan", "p" + w, "--master", "local[1]", "--lake", lake));
                args.addAll(conf);
                Map<String, String> processEnv = new java.util.HashMap<>(env);
                // The pipelines get their master as the spark.master system property, the way spark-submit passes it.
                processEnv.put("LOSSLAKE_JAVA_OPTS", w % 2 == 0 ? QUICK_JVM + " -Dspark.master=local[1]" : QUICK_JVM);
                processes.add(start(processEnv, out, args.toArray(String[]::new)));
            }
            for (int w = 0; w < writers; w++) {
                Process p = processes.get(w);
                assertThat(p.waitFor(6, TimeUnit.MINUTES)).as("writer " + w + " finished").isTrue();
                String err = Files.readString(dir.resolve("concurrent-" + name + "-" + batch + "-" + w + ".txt.err"));
                assertThat(p.exitValue()).as("writer " + w + " of batch " + batch + ": " + err).isZero();
                assertThat(err).doesNotContain("\tat ", "ERROR"); // no stack trace; a retried race is one INFO line
            }
            SparkSession spark = reader.getOrCreate();
            try {
                List<Row> runs = spark.read().format("delta").load(lake + "/runs").collectAsList();
                assertThat(runs).hasSize(writers * batch).allMatch(r -> r.getAs("status").equals("SUCCEEDED"))
                        .allMatch(r -> r.getAs("spark_master").equals("local[1]"));
                org.apache.spark.sql.Dataset<Row> metrics = spark.read().format("delta").load(lake + "/round_metrics");
                assertThat(metrics.count()).isEqualTo(2L * 2 * batch);
                assertThat(metrics.select("run_id", "round").distinct().count()).isEqualTo(2L * 2 * batch);
                // both prepares replace the one dataset's examples (never duplicated) and each writes its own plan
                assertThat(spark.read().format("delta").load(lake + "/examples").count()).isEqualTo(200 + 80);
                assertThat(spark.read().format("delta").load(lake + "/partitions").count()).isEqualTo(2 * 200);
            } finally {
                spark.stop();
            }
        }
    }
}
