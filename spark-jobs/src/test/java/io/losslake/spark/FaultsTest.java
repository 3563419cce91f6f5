package io.losslake.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import io.losslake.spark.runtime.Faults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failing tasks and lost commit acknowledgements change no number and duplicate no row. With the master
 * {@code local[2,4]} (Spark's local retries) and {@code spark.losslake.faults.taskFailure=0.5}, the first
 * attempt of about half the tasks of prepare's writes, of a SCAFFOLD run's clients and writes and of a
 * sweep's runs fails; with {@code spark.losslake.faults.lostCommitAck=0.3}, about a third of the commits
 * land while their writer is told the version was taken (an object store's lost response). Every table must
 * equal that of clean runs. Each command runs in this JVM with its own session, as bin/losslake would start it.
 */
class FaultsTest {
    @TempDir
    Path dir;

    /** Counts the task attempts that failed with an injected fault (registered through spark.extraListeners). */
    public static final class InjectedFaults extends SparkListener {
        static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.reason() instanceof TaskFailedReason failed && failed.toErrorString().contains("injected fault")) {
                COUNT.incrementAndGet();
            }
        }
    }

    @Test
    void failedTasksAndLostCommitAcknowledgementsLeaveTheTablesOfACleanRun() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 200, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 80, 6, 4, 2), false);
        Path clean = dir.resolve("lake-clean");
        Path faulty = dir.resolve("lake-faulty");
        Path sweep = TinySweep.write(dir.resolve("faults-sweep.yaml"), "f");
        String[] federate = {"federate", "--plan", "p", "--model", "mlp:8", "--rounds", "4", "--strategy", "scaffold", "--local-epochs", "2",
            "--batch-size", "8", "--lr", "0.05", "--decompose-sample", "50", "--seed", "3"};
        // every first attempt of about half the client and sweep tasks fails; local[2,4] retries each up to 3 more times
        String[] faults = {"--master", "local[2,4]", "--conf", "spark.losslake.faults.taskFailure=0.5", "--conf", "spark.losslake.faults.seed=1",
            "--conf", Faults.LOST_COMMIT_ACK + "=0.3",
            "--conf", "spark.extraListeners=" + InjectedFaults.class.getName(), "--conf", "spark.ui.enabled=false"};
        String[] cleanMaster = {"--master", "local[2]", "--conf", "spark.ui.enabled=false"};

        String[] prepare = {"prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.5",
            "--clients", "6", "--min-size", "10", "--plan", "p"};
        int lostBefore = Faults.lostCommitAcks();
        Cli cleanPrepare = Cli.run(Cli.concat(Cli.concat(prepare, cleanMaster), "--lake", clean.toString()));
        assertThat(cleanPrepare.status()).as(cleanPrepare.err()).isZero();
        InjectedFaults.COUNT.set(0);
        Cli faultyPrepare = Cli.run(Cli.concat(Cli.concat(prepare, faults), "--lake", faulty.toString()));
        assertThat(faultyPrepare.status()).as(faultyPrepare.err()).isZero();
        int prepareFaults = InjectedFaults.COUNT.get();

        Cli a = Cli.run(Cli.concat(Cli.concat(federate, cleanMaster), "--lake", clean.toString()));
        assertThat(a.status()).as(a.err()).isZero();
        InjectedFaults.COUNT.set(0);
        Cli b = Cli.run(Cli.concat(Cli.concat(federate, faults), "--lake", faulty.toString()));
        assertThat(b.status()).as(b.err()).isZero();
        int federateFaults = InjectedFaults.COUNT.get();
        Cli c = Cli.run(Cli.concat(Cli.concat(new String[] {"sweep", "--config", sweep.toString()}, cleanMaster), "--lake", clean.toString()));
        assertThat(c.status()).as(c.err()).isZero();
        InjectedFaults.COUNT.set(0);
        Cli d = Cli.run(Cli.concat(Cli.concat(new String[] {"sweep", "--config", sweep.toString()}, faults), "--lake", faulty.toString()));
        assertThat(d.status()).as(d.err()).isZero();
        int sweepFaults = InjectedFaults.COUNT.get();
        int lostAcks = Faults.lostCommitAcks() - lostBefore;
        System.out.printf("FaultsTest: task attempts failed by injection, all retried: prepare %d, federate %d, sweep %d; commits whose"
                + " acknowledgement was lost: %d%n", prepareFaults, federateFaults, sweepFaults, lostAcks);
        assertThat(lostAcks).isGreaterThanOrEqualTo(5);
        assertThat(prepareFaults).isPositive();
        assertThat(federateFaults).isPositive();
        assertThat(sweepFaults).isPositive();

        SparkSession spark = TestSpark.builder().getOrCreate();
        try {
            for (String table : List.of("examples", "partitions", "partition_stats", "round_metrics", "client_metrics", "client_state", "checkpoints",
                    "sweep_points")) {
                List<String> expected = TableContents.rows(spark, clean.resolve(table));
                assertThat(expected).as(table).isNotEmpty();
                assertThat(TableContents.rows(spark, faulty.resolve(table))).as(table + " with injected faults").isEqualTo(expected);
            }
            assertThat(spark.read().format("delta").load(faulty.resolve("round_metrics").toString()).where(col("round").equalTo(4)).count()).isEqualTo(1);
            assertThat(spark.read().format("delta").load(faulty.resolve("sweep_points").toString()).count()).isEqualTo(2 * 2 * 2 * 2);
        } finally {
            spark.stop();
        }
    }


    /**
     * The hazard the transaction ids remove. A table's creation commit lands but its writer is told the version was
     * taken; the winner changed the metadata, so Delta raises a conflict instead of retrying by itself, and a writer
     * that writes again (as the lake did before) adds the rows twice. The lake's append (txnAppId, txnVersion) is
     * retried and skipped: Delta sees that version of this writer committed. (A lost acknowledgement at a later version
     * Delta retries itself with the same files, which readers count once.)
     */
    @Test
    void aCommitWhoseAcknowledgementIsLostIsNotWrittenTwice() {
        // a seed under which, for both tables, version 0 (the creation) loses its acknowledgement and version 1 keeps it
        long seed = java.util.stream.LongStream.range(0, 100_000).filter(s -> List.of("plain", "lake").stream().allMatch(t ->
                Faults.ackLost(s, 0.5, t, 0) && !Faults.ackLost(s, 0.5, t, 1))).findFirst().orElseThrow();
        SparkSession spark = TestSpark.builder().config(Faults.LOST_COMMIT_ACK, "0.5").config(Faults.SEED, Long.toString(seed)).getOrCreate();
        try {
            org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType().add("x", "int");
            List<org.apache.spark.sql.Row> rows = List.of(row(1), row(2), row(3));
            int lostBefore = Faults.lostCommitAcks();

            String plain = dir.resolve("plain").toString();
            io.losslake.spark.lake.Lake.retrying("plain", () -> spark.createDataFrame(rows, schema).write().format("delta").mode("append").save(plain));
            assertThat(spark.read().format("delta").load(plain).count()).as("a plain append, written again after the conflict").isEqualTo(2 * 3);

            io.losslake.spark.lake.Lake lake = new io.losslake.spark.lake.Lake(spark, dir.toString());
            lake.append("lake", schema, rows);
            assertThat(lake.read("lake").count()).as("the lake's append").isEqualTo(3);
            assertThat(Faults.lostCommitAcks() - lostBefore).isEqualTo(2);
        } finally {
            spark.stop();
        }
    }

    private static org.apache.spark.sql.Row row(int x) {
        return org.apache.spark.sql.RowFactory.create(x);
    }
}
