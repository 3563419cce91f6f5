package io.losslake.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.storage.CloseableIterator;
import io.losslake.spark.Dynalite;
import io.losslake.spark.InProcessS3;
import io.losslake.spark.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link DynamoDbLogStore} against an in-process S3 server (S3Proxy) and a real DynamoDB-compatible server (dynalite):
 * racing writers take each version once, a commit whose writer died before copying it is completed by the next
 * reader, and Delta itself appends from several threads into one s3a:// table without losing a commit.
 */
class DynamoDbLogStoreTest {
    static final String BUCKET = "ddb-test";
    static InProcessS3 s3;
    static Dynalite dynamo;
    static Configuration conf;

    @BeforeAll
    static void start() throws Exception {
        s3 = InProcessS3.start(BUCKET);
        dynamo = Dynalite.start();
        // the DynamoDB client's credentials come from the SDK's default chain; dynalite accepts any
        System.setProperty("aws.accessKeyId", InProcessS3.ACCESS_KEY);
        System.setProperty("aws.secretKey", InProcessS3.SECRET_KEY);
        conf = new Configuration();
        s3.s3aSettings().forEach(conf::set);
        conf.set(DynamoDbLogStore.TABLE, "commits");
        conf.set(DynamoDbLogStore.ENDPOINT, dynamo.endpoint());
    }

    @AfterAll
    static void stop() throws Exception {
        FileSystem.closeAll();
        if (dynamo != null) {
            dynamo.close();
        }
        s3.close();
    }

    static Path commit(String table, long version) {
        return new Path("s3a://" + BUCKET + "/" + table + "/_delta_log/" + String.format("%020d.json", version));
    }

    static String contents(DynamoDbLogStore store, Path file) throws Exception {
        try (CloseableIterator<String> lines = store.read(file, conf)) {
            List<String> all = new ArrayList<>();
            lines.forEachRemaining(all::add);
            return String.join("\n", all);
        }
    }

    @Test
    void racingWritersTakeEachVersionExactlyOnce() throws Exception {
        int writers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (long version = 0; version < 4; version++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> outcomes = new ArrayList<>();
                long v = version;
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    outcomes.add(pool.submit(() -> {
                        DynamoDbLogStore store = new DynamoDbLogStore(conf); // one per writer, as in separate processes
                        go.await();
                        try {
                            store.write(commit("race", v), List.of("{\"writer\":" + writer + "}", "{\"version\":" + v + "}").iterator(), false, conf);
                            return true;
                        } catch (FileAlreadyExistsException lost) {
                            return false;
                        }
                    }));
                }
                go.countDown();
                List<Integer> winners = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    if (outcomes.get(w).get()) {
                        winners.add(w);
                    }
                }
                assertThat(winners).as("writers that took version " + version).hasSize(1);
                assertThat(contents(new DynamoDbLogStore(conf), commit("race", version)))
                        .isEqualTo("{\"writer\":" + winners.get(0) + "}\n{\"version\":" + version + "}");
            }
        } finally {
            pool.shutdownNow();
        }
        DynamoDbLogStore.Commits commits = DynamoDbLogStore.Commits.of(conf);
        String table = "s3a://" + BUCKET + "/race";
        assertThat(commits.latest(table)).get().satisfies(e -> {
            assertThat(e.fileName()).isEqualTo(String.format("%020d.json", 3));
            assertThat(e.complete()).isTrue();
        });
        // losers deleted their temporary objects, the winner its own after copying
        FileSystem fs = new Path("s3a://" + BUCKET + "/").getFileSystem(conf);
        Path tmp = new Path("s3a://" + BUCKET + "/race/_delta_log/.tmp");
        assertThat(fs.exists(tmp) ? fs.listStatus(tmp) : new FileStatus[0]).isEmpty();
    }

    @Test
    void aCommitWhoseWriterDiedBeforeCopyingItIsCompletedByTheNextReader() throws Exception {
        DynamoDbLogStore store = new DynamoDbLogStore(conf);
        store.write(commit("died", 0), List.of("{\"v\":0}").iterator(), false, conf);
        // what a writer leaves when it dies right after its commit point: the temporary object and an incomplete entry
        FileSystem fs = new Path("s3a://" + BUCKET + "/").getFileSystem(conf);
        DynamoDbLogStore.Commits commits = DynamoDbLogStore.Commits.of(conf);
        for (long v = 1; v <= 2; v++) {
            String temp = ".tmp/" + commit("died", v).getName() + ".dead-writer";
            try (FSDataOutputStream out = fs.create(new Path("s3a://" + BUCKET + "/died/_delta_log/" + temp))) {
                out.write(("{\"v\":" + v + "}\n").getBytes(StandardCharsets.UTF_8));
            }
            assertThat(commits.putIfAbsent(new DynamoDbLogStore.Entry("s3a://" + BUCKET + "/died", commit("died", v).getName(), temp, false))).isTrue();
            if (v == 1) {
                assertThat(fs.exists(commit("died", 1))).isFalse();
                // a listing (Delta lists before every snapshot update) completes it
                Iterator<FileStatus> listed = new DynamoDbLogStore(conf).listFrom(commit("died", 0), conf);
                List<String> names = new ArrayList<>();
                listed.forEachRemaining(f -> names.add(f.getPath().getName()));
                assertThat(names).contains(commit("died", 0).getName(), commit("died", 1).getName());
            } else {
                // a direct read of the missing file completes it too
                assertThat(contents(new DynamoDbLogStore(conf), commit("died", 2))).isEqualTo("{\"v\":2}");
            }
            assertThat(contents(store, commit("died", v))).isEqualTo("{\"v\":" + v + "}");
            assertThat(commits.get("s3a://" + BUCKET + "/died", commit("died", v).getName())).get()
                    .satisfies(e -> assertThat(e.complete()).isTrue());
        }
        // the next writer of 3 finds 2 done; a writer that thinks it may write 2 again is refused
        assertThatThrownBy(() -> store.write(commit("died", 2), List.of("{}").iterator(), false, conf))
                .isInstanceOf(FileAlreadyExistsException.class);
        store.write(commit("died", 3), List.of("{\"v\":3}").iterator(), false, conf);
        assertThat(contents(store, commit("died", 3))).isEqualTo("{\"v\":3}");
    }

    @Test
    void aVersionCannotBeWrittenBeforeTheOneBeforeIt() {
        DynamoDbLogStore store = new DynamoDbLogStore(conf);
        assertThatThrownBy(() -> store.write(commit("gap", 5), List.of("{}").iterator(), false, conf))
                .isInstanceOf(FileSystemException.class).hasMessageContaining("commit 4 of the table does not exist");
    }

    /**
     * Commits whose writer is told it lost after its entry was put ({@code spark.losslake.faults.lostCommitAck}, what a
     * lost DynamoDB response followed by the SDK's retry of the conditional put looks like): the entry stays incomplete,
     * Delta's conflict check lists the log, which completes the commit, and Delta commits again at the next version. No
     * append is lost and none is counted twice.
     */
    @Test
    void commitsWhoseAcknowledgementIsLostAreCompletedAndNotCountedTwice() throws Exception {
        String name = "lost-acks";
        int appends = 6;
        // a seed under which the table's creation keeps its acknowledgement (a lost one there is a conflict Delta raises
        // instead of resolving, which losslake's Lake.append retries) and at least two later commits lose theirs
        long seed = java.util.stream.LongStream.range(0, 1000).filter(sd -> !io.losslake.spark.runtime.Faults.ackLost(sd, 0.5, name, 0)
                && IntStream.rangeClosed(1, appends).filter(v -> io.losslake.spark.runtime.Faults.ackLost(sd, 0.5, name, v)).count() >= 2)
                .findFirst().orElseThrow();
        SparkSession.Builder builder = TestSpark.builder()
                .config("spark.delta.logStore.s3a.impl", DynamoDbLogStore.class.getName())
                .config(DynamoDbLogStore.TABLE, "commits")
                .config(DynamoDbLogStore.ENDPOINT, dynamo.endpoint())
                .config(io.losslake.spark.runtime.Faults.LOST_COMMIT_ACK, "0.5")
                .config(io.losslake.spark.runtime.Faults.SEED, Long.toString(seed));
        s3.s3aSettings().forEach((k, v) -> builder.config("spark.hadoop." + k, v));
        SparkSession spark = builder.getOrCreate();
        try {
            String table = "s3a://" + BUCKET + "/" + name;
            int lostBefore = io.losslake.spark.runtime.Faults.lostCommitAcks();
            for (int a = 0; a < appends; a++) {
                spark.range(0, 3).selectExpr(a + " AS a", "id AS i").write().format("delta").mode("append").save(table);
            }
            assertThat(io.losslake.spark.runtime.Faults.lostCommitAcks() - lostBefore).as("acknowledgements lost").isGreaterThanOrEqualTo(2);
            List<Row> rows = spark.read().format("delta").load(table).collectAsList();
            assertThat(rows).hasSize(appends * 3);
            assertThat(rows.stream().map(r -> r.getInt(0) + ":" + r.getLong(1)).collect(Collectors.toSet())).hasSize(appends * 3);
            assertThat(DynamoDbLogStore.Commits.of(conf).latest(table)).get().satisfies(e -> assertThat(e.complete()).isTrue());
        } finally {
            spark.stop();
        }
    }

    @Test
    void deltaAppendsFromThreeThreadsIntoOneS3aTableAreAllKept() throws Exception {
        SparkSession.Builder builder = TestSpark.builder()
                .config("spark.delta.logStore.s3a.impl", DynamoDbLogStore.class.getName())
                .config(DynamoDbLogStore.TABLE, "commits")
                .config(DynamoDbLogStore.ENDPOINT, dynamo.endpoint());
        s3.s3aSettings().forEach((k, v) -> builder.config("spark.hadoop." + k, v));
        SparkSession spark = builder.getOrCreate();
        try {
            String table = "s3a://" + BUCKET + "/delta-threads";
            spark.range(0, 1).selectExpr("-1 AS writer", "id AS i").write().format("delta").save(table);
            int threads = 3;
            int appends = 3;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int writer = t;
                done.add(pool.submit(() -> {
                    for (int a = 0; a < appends; a++) {
                        spark.range(0, 3).selectExpr(writer + " AS writer", (a * 3) + " + id AS i").write().format("delta").mode("append").save(table);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            List<Row> rows = spark.read().format("delta").load(table).where("writer >= 0").collectAsList();
            assertThat(rows).hasSize(threads * appends * 3);
            assertThat(rows.stream().map(r -> r.getInt(0) + ":" + r.getLong(1)).collect(Collectors.toSet())).hasSize(threads * appends * 3);
            List<Long> versions = spark.sql("DESCRIBE HISTORY delta.`" + table + "`").select("version").orderBy("version")
                    .collectAsList().stream().map(r -> r.getLong(0)).toList();
            assertThat(versions).isEqualTo(IntStream.rangeClosed(0, threads * appends).mapToObj(i -> (long) i).toList());
        } finally {
            spark.stop();
        }
    }
}
