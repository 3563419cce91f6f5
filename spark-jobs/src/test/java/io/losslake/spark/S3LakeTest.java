package io.losslake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline with its lake on s3a://, served by an in-process S3 API server (s3proxy over an in-memory blob store). */
class S3LakeTest {
    static final String BUCKET = "losslake-test";
    static S3Proxy s3;
    static FaultyBlobStore faults;
    static BlobStoreContext blobs;
    static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(new Properties()).build(BlobStoreContext.class);
        BlobStore store = blobs.getBlobStore();
        store.createContainerInLocation(null, BUCKET);
        faults = new FaultyBlobStore(store);
        s3 = server(0);
        spark = TestSpark.builder()
                .config("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + s3.getPort())
                .config("spark.hadoop.fs.s3a.access.key", "test-access")
                .config("spark.hadoop.fs.s3a.secret.key", "test-secret")
                .config("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
                .config("spark.hadoop.fs.s3a.path.style.access", "true")
                .config("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
                // Without it one Delta write took minutes retrying directory-marker deletes (STACK.md).
                .config("spark.hadoop.fs.s3a.directory.marker.retention", "keep")
                // A cached client would point at a previous test's server port.
                .config("spark.hadoop.fs.s3a.impl.disable.cache", "true")
                .getOrCreate();
    }

    /** An S3 server on {@code port} (0: any free one) over the test's store, started. */
    static S3Proxy server(int port) throws Exception {
        S3Proxy server = S3Proxy.builder()
                .blobStore(faults)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret")
                .build();
        server.start();
        while (!"STARTED".equals(server.getState())) {
            Thread.sleep(10);
        }
        return server;
    }

    @AfterAll
    static void stop() throws Exception {
        spark.stop();
        FileSystem.closeAll();
        s3.stop();
        blobs.close();
    }

    @Test
    void pipelineWritesReadableDeltaTablesToS3a() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 200, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 80, 6, 4, 2), true);
        String lake = "s3a://" + BUCKET + "/lakes/first";

        Cli run = Cli.run("pipeline", "--data", data.toString(), "--classes", "4", "--clients", "2", "--rounds", "2",
                "--model", "mlp:8", "--lr", "0.05", "--lake", lake);
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("tables: " + lake + "/runs");

        List<Row> runs = spark.read().format("delta").load(lake + "/runs").collectAsList();
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).<String>getAs("status")).isEqualTo("SUCCEEDED");
        List<Row> rounds = spark.read().format("delta").load(lake + "/round_metrics").orderBy("round").collectAsList();
        assertThat(rounds).extracting(r -> r.<Integer>getAs("round")).containsExactly(1, 2);
        assertThat(rounds).allSatisfy(r -> assertThat(r.<String>getAs("run_id")).isEqualTo(runs.get(0).getAs("run_id")));
        // The objects really are in the S3 server's store, Delta log included.
        assertThat(blobs.getBlobStore().blobExists(BUCKET, "lakes/first/round_metrics/_delta_log/00000000000000000000.json")).isTrue();

        // prepare reads its IDX files from s3a:// too
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/datasets/synthetic");
        FileSystem s3fs = remote.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (var files = Files.list(data)) {
            for (Path f : files.toList()) {
                s3fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toUri()), new org.apache.hadoop.fs.Path(remote, f.getFileName().toString()));
            }
        }
        Cli prepare = Cli.run("prepare", "--input", remote.toString(), "--dataset", "synthetic", "--scheme", "shards", "--clients", "4",
                "--lake", lake);
        assertThat(prepare.status()).as(prepare.err()).isZero();
        assertThat(spark.read().format("delta").load(lake + "/examples").count()).isEqualTo(280);
        assertThat(spark.read().format("delta").load(lake + "/partitions").count()).isEqualTo(200);
    }

    @Test
    void prepareFederateSweepAndFitRunOnS3aAndASecondWriterIsRefusedBeforeWritingAnything() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data2"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 200, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 80, 6, 4, 2), true);
        String lake = "s3a://" + BUCKET + "/lakes/second";
        Cli prepare = Cli.run("prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.5",
                "--clients", "4", "--min-size", "10", "--plan", "p", "--lake", lake);
        assertThat(prepare.status()).as(prepare.err()).isZero();
        // a stateful strategy: its control variates travel through client_state on S3
        Cli federate = Cli.run("federate", "--plan", "p", "--model", "mlp:8", "--rounds", "2", "--strategy", "scaffold", "--lr", "0.05",
                "--decompose-sample", "40", "--lake", lake);
        assertThat(federate.status()).as(federate.err()).isZero();
        Path sweep = TinySweep.write(dir.resolve("s3-sweep.yaml"), "s3");
        Cli swept = Cli.run("sweep", "--config", sweep.toString(), "--lake", lake);
        assertThat(swept.status()).as(swept.err()).isZero();
        Cli fit = Cli.run("fit", "--form", "power", "--bootstrap", "20", "--where", "eval_set = 'test'", "--lake", lake);
        assertThat(fit.status()).as(fit.err()).isZero();

        List<Row> runs = spark.read().format("delta").load(lake + "/runs").collectAsList();
        assertThat(runs).hasSize(4).allSatisfy(r -> assertThat(r.<String>getAs("status")).isEqualTo("SUCCEEDED"));
        assertThat(spark.read().format("delta").load(lake + "/round_metrics").count()).isEqualTo(2);
        assertThat(spark.read().format("delta").load(lake + "/client_state").count()).isPositive();
        assertThat(spark.read().format("delta").load(lake + "/sweep_points").count()).isEqualTo(2 * 2 * 2 * 2); // models, budgets, checkpoints, train and test
        assertThat(spark.read().format("delta").load(lake + "/scaling_fits").count()).isPositive();
        // every command gave its writer lease back
        FileSystem s3fs = new org.apache.hadoop.fs.Path(lake).getFileSystem(spark.sparkContext().hadoopConfiguration());
        org.apache.hadoop.fs.Path leases = new org.apache.hadoop.fs.Path(lake + "/_losslake_writers");
        assertThat(s3fs.exists(leases) ? s3fs.listStatus(leases) : new org.apache.hadoop.fs.FileStatus[0]).isEmpty();

        // another process is writing: its lease is fresh, so this job stops before its first commit
        org.apache.hadoop.fs.Path other = new org.apache.hadoop.fs.Path(leases, "other.lease");
        try (var out = s3fs.create(other, true)) {
            out.write("losslake sweep nightly (pid 4242 on worker-7)".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        long fitsBefore = spark.read().format("delta").load(lake + "/scaling_fits").count();
        List<String> logBefore = listing(s3fs, new org.apache.hadoop.fs.Path(lake + "/runs/_delta_log"));
        Cli refused = Cli.run("fit", "--form", "power", "--bootstrap", "20", "--where", "eval_set = 'test'", "--lake", lake);
        assertThat(refused.status()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(refused.err()).contains("is being written by another losslake job (losslake sweep nightly (pid 4242 on worker-7)",
                "--conf spark.losslake.lake.dynamodb.table=NAME");
        assertThat(listing(s3fs, new org.apache.hadoop.fs.Path(lake + "/runs/_delta_log"))).isEqualTo(logBefore);
        assertThat(spark.read().format("delta").load(lake + "/scaling_fits").count()).isEqualTo(fitsBefore);
        assertThat(s3fs.listStatus(leases)).hasSize(1); // its own lease withdrawn, the other's left alone
        s3fs.delete(other, false);
        Cli after = Cli.run("fit", "--form", "power", "--bootstrap", "20", "--where", "eval_set = 'test'", "--lake", lake);
        assertThat(after.status()).as(after.err()).isZero();
    }

    /**
     * Storage faults ridden out through S3A's retry policy: 10% of requests throttled (503 SlowDown), the PUT of a Delta
     * commit file failing once (500), and the server stopped and restarted on its port in the middle of a federated run.
     * The commands succeed, and their tables equal those of the same commands on a local lake.
     */
    @Test
    void throttlingAFailedCommitPutAndAServerRestartLoseNothing() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data3"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 200, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 80, 6, 4, 2), true);
        String lake = "s3a://" + BUCKET + "/lakes/faulty";
        String local = dir.resolve("local-lake").toString();
        String[] prepare = {"prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.5", "--clients", "4",
            "--min-size", "10", "--plan", "p"};
        String[] federate = {"federate", "--plan", "p", "--model", "mlp:8", "--rounds", "6", "--strategy", "fedavgm", "--lr", "0.05",
            "--decompose-sample", "40", "--commit-every", "0", "--seed", "9"};
        for (String[] command : List.of(prepare, federate)) {
            Cli clean = Cli.run(Cli.concat(command, "--lake", local));
            assertThat(clean.status()).as(clean.err()).isZero();
        }

        faults.throttle = 0.1;
        faults.failNextCommitPut = true;
        try {
            Cli prepared = Cli.run(Cli.concat(prepare, "--lake", lake));
            assertThat(prepared.status()).as(prepared.err()).isZero();
            // the server goes away once the run has committed its first round, and comes back 3 s later on the same port
            java.util.concurrent.CompletableFuture<Cli> run = java.util.concurrent.CompletableFuture.supplyAsync(() -> Cli.run(Cli.concat(federate,
                    "--lake", lake)));
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
            while (!blobs.getBlobStore().blobExists(BUCKET, "lakes/faulty/checkpoints/_delta_log/00000000000000000000.json") && !run.isDone()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(run.isDone()).as("the run was still going when the server stopped").isFalse();
            int port = s3.getPort();
            s3.stop();
            Thread.sleep(3000);
            s3 = server(port);
            Cli federated = run.get(5, java.util.concurrent.TimeUnit.MINUTES);
            assertThat(federated.status()).as(federated.err()).isZero();
        } finally {
            faults.throttle = 0;
        }
        System.out.printf("S3LakeTest: %d requests throttled, %d commit PUT failed, server restarted once%n", faults.throttled.get(),
                faults.failedCommitPuts.get());
        assertThat(faults.throttled.get()).isPositive();
        assertThat(faults.failedCommitPuts.get()).isEqualTo(1);
        for (String table : List.of("examples", "partitions", "partition_stats", "round_metrics", "checkpoints")) {
            List<String> expected = TableContents.rows(spark, Path.of(local, table));
            assertThat(expected).as(table).isNotEmpty();
            assertThat(TableContents.rows(spark, lake + "/" + table)).as(table + " written through storage faults").isEqualTo(expected);
        }
        assertThat(spark.read().format("delta").load(lake + "/runs").collectAsList()).hasSize(2)
                .allSatisfy(r -> assertThat(r.<String>getAs("status")).isEqualTo("SUCCEEDED"));
    }

    private static List<String> listing(FileSystem fs, org.apache.hadoop.fs.Path folder) throws java.io.IOException {
        return java.util.Arrays.stream(fs.listStatus(folder)).map(f -> f.getPath().getName() + " " + f.getLen()).sorted().toList();
    }
}
