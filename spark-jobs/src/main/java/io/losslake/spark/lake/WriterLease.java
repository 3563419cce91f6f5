package io.losslake.spark.lake;

import io.losslake.spark.runtime.UserInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writing process at a time on a lake whose Delta log store is safe for one writer only: an
 * {@code s3a://} lake on Delta's default {@code S3SingleDriverLogStore}. Two processes committing
 * to one table there can both take version N, and S3's overwrite loses one commit without an
 * error. Before its first write, a process puts a lease object
 * {@code <lake>/_losslake_writers/<id>.lease} (who it is), then lists the folder: if another lease
 * was refreshed within {@link #STALE_MS} (comparing the store's own modification times, so the
 * hosts' clocks do not matter), it deletes its own and stops with one sentence before writing
 * anything. With S3's read-after-write consistency two processes starting at once both see each
 * other and both stop: never both write. The lease is refreshed every {@link #HEARTBEAT_MS} and
 * deleted when the command ends; a killed process's lease goes stale and is then ignored (and
 * removed). Lakes whose log store takes concurrent writers (local folders with
 * {@link LockingLocalLogStore}, HDFS, S3 with {@link DynamoDbLogStore} or Delta's {@code S3DynamoDBLogStore}) take no lease.
 */
public final class WriterLease {
    private static final Logger LOG = LoggerFactory.getLogger(WriterLease.class);

    /** The folder of leases under the lake root (a leading underscore: not a table, hidden from Spark's readers). */
    public static final String FOLDER = "_losslake_writers";
    /** How often a held lease is refreshed. */
    static final long HEARTBEAT_MS = 15_000;
    /** A lease not refreshed for this long belongs to a process that died. */
    static final long STALE_MS = 120_000;
    /** Set to false to skip the check (e.g. a log store losslake does not recognise as multi-writer). */
    public static final String CHECK_SETTING = "spark.losslake.lake.singleWriterCheck";

    private static final Map<String, WriterLease> HELD = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "losslake-writer-lease");
        t.setDaemon(true);
        return t;
    });

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(WriterLease::releaseAll, "losslake-writer-lease-release"));
    }

    private final FileSystem fs;
    private final Path file;
    private final ScheduledFuture<?> heartbeat;

    private WriterLease(FileSystem fs, Path file, ScheduledFuture<?> heartbeat) {
        this.fs = fs;
        this.file = file;
        this.heartbeat = heartbeat;
    }

    /**
     * Makes sure this process may write the lake at {@code root}: a no-op where the log store takes
     * concurrent writers or a lease is already held; otherwise takes one, or throws a
     * {@link UserInputException} naming the other writer.
     */
    public static void ensure(SparkSession spark, String root) {
        if (HELD.containsKey(root) || !required(spark.sparkContext().getConf(), root)) {
            return;
        }
        synchronized (HELD) {
            if (HELD.containsKey(root)) {
                return;
            }
            try {
                Path folder = new Path(root, FOLDER);
                FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
                HELD.put(root, acquire(fs, folder, root, spark.sparkContext().getConf().get("spark.app.name", "losslake")));
            } catch (IOException e) {
                throw new IllegalStateException("could not take the writer lease of " + root + ": " + e.getMessage(), e);
            }
        }
    }

    /** Whether a lake at {@code root} under {@code conf} needs a lease: an S3 scheme on a single-writer log store. */
    static boolean required(SparkConf conf, String root) {
        if (!conf.getBoolean(CHECK_SETTING, true)) {
            return false;
        }
        String scheme = new Path(root).toUri().getScheme();
        if (scheme == null || !scheme.toLowerCase(Locale.ROOT).matches("s3a?|s3n")) {
            return false;
        }
        String store = conf.get("spark.delta.logStore." + scheme + ".impl", conf.get("spark.delta.logStore.class", ""));
        return !store.contains("DynamoDB") && !store.equals(DynamoDbLogStore.class.getName());
    }

    /** Puts this process's lease into {@code folder}, or stops with one sentence when another live one is there. */
    static WriterLease acquire(FileSystem fs, Path folder, String lake, String what) throws IOException {
        Path mine = new Path(folder, UUID.randomUUID() + ".lease");
        String who = what + " (pid " + ProcessHandle.current().pid() + " on " + host() + ", JVM " + ManagementFactory.getRuntimeMXBean().getName() + ")";
        write(fs, mine, who);
        long myTime = fs.getFileStatus(mine).getModificationTime();
        List<String> others = new ArrayList<>();
        for (FileStatus other : fs.listStatus(folder)) {
            if (other.getPath().getName().equals(mine.getName()) || !other.getPath().getName().endsWith(".lease")) {
                continue;
            }
            long age = myTime - other.getModificationTime();
            if (age > STALE_MS) {
                LOG.info("removing the stale writer lease {} ({} s old)", other.getPath(), age / 1000);
                fs.delete(other.getPath(), false);
            } else {
                others.add(read(fs, other.getPath()) + ", last seen " + Math.max(0, age / 1000) + " s ago");
            }
        }
        if (!others.isEmpty()) {
            fs.delete(mine, false);
            throw new UserInputException("--lake " + lake + " is being written by another losslake job (" + String.join("; ", others)
                    + "), and Delta's default S3 log store is safe for one writing process at a time, so this job stopped before writing"
                    + " anything: run the jobs one after another, or give every job a DynamoDB table for its commits with --conf "
                    + DynamoDbLogStore.TABLE + "=NAME (README, 'Several jobs into one lake').");
        }
        ScheduledFuture<?> beat = HEARTBEATS.scheduleWithFixedDelay(() -> {
            try {
                write(fs, mine, who);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not refresh the writer lease {}: {}", mine, e.toString());
            }
        }, HEARTBEAT_MS, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
        LOG.info("writer lease {} taken", mine);
        return new WriterLease(fs, mine, beat);
    }

    /** Gives back every lease this process holds (at the end of a command, and at exit). */
    public static void releaseAll() {
        synchronized (HELD) {
            for (WriterLease lease : HELD.values()) {
                lease.release();
            }
            HELD.clear();
        }
    }

    void release() {
        heartbeat.cancel(false);
        try {
            fs.delete(file, false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove the writer lease {} (it goes stale in {} s): {}", file, STALE_MS / 1000, e.toString());
        }
    }

    private static void write(FileSystem fs, Path file, String text) throws IOException {
        try (OutputStream out = fs.create(file, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String read(FileSystem fs, Path file) {
        try (var in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return file.getName(); // released while we looked: still counted, it was live a moment ago
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }
}
