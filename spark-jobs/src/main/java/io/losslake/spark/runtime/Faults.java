package io.losslake.spark.runtime;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Injected task failures, to check that Spark's task retries leave every number unchanged (a
 * chaos setting for tests and for trying a deployment, off by default): with
 * {@code spark.losslake.faults.taskFailure=P} the first attempt of a task fails with probability P,
 * decided by a hash of {@code spark.losslake.faults.seed} (default 0), the task's kind and its key
 * (e.g. round and partition), so the same tasks fail in every run. Retries need a master that
 * allows them: {@code local[N,F]} embedded, {@code spark.task.maxFailures} on a cluster. The tasks
 * that can fail: a round's client tasks, sweep runs, and the tasks of every write to the lake
 * (prepare's examples and plans among them). With {@link #LOST_COMMIT_ACK}, commits to a
 * local-folder lake land but their writer is told the version was taken.
 */
public final class Faults {
    public static final String FAILURE = "spark.losslake.faults.taskFailure";
    public static final String SEED = "spark.losslake.faults.seed";
    /**
     * Probability that a commit to a local-folder lake lands but looks failed to its writer, as when an object store's
     * response is lost and the retried put-if-absent finds the file taken (decided per table and version, seeded).
     */
    public static final String LOST_COMMIT_ACK = "spark.losslake.faults.lostCommitAck";
    private static final java.util.concurrent.atomic.AtomicInteger LOST_ACKS = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.regex.Pattern COMMIT_FILE = java.util.regex.Pattern.compile("(\\d{20})\\.json");

    private Faults() {
    }

    /**
     * Checks the fault settings among {@code settings} (a command's {@code --conf} pairs) and the {@code spark.*} system
     * properties spark-submit sets, before a session starts: a value Spark could not read would otherwise fail the
     * command at its first write, with a stack trace.
     */
    public static void validate(java.util.Map<String, String> settings) {
        for (String key : java.util.List.of(FAILURE, LOST_COMMIT_ACK, SEED)) {
            String value = settings.containsKey(key) ? settings.get(key) : System.getProperty(key);
            if (value == null) {
                continue;
            }
            try {
                if (key.equals(SEED)) {
                    Long.parseLong(value.strip());
                    continue;
                }
                double p = Double.parseDouble(value.strip());
                if (p >= 0 && p <= 1) {
                    continue;
                }
            } catch (NumberFormatException e) {
                // the message below
            }
            throw new UserInputException("Invalid " + key + "=" + value + ": expected " + (key.equals(SEED) ? "an integer seed."
                    : "a probability between 0 and 1."));
        }
    }

    /** Fails this task's first attempt when the setting says so for ({@code kind}, {@code key}). */
    public static void maybeFail(String kind, long key) {
        SparkEnv env = SparkEnv.get();
        TaskContext task = TaskContext.get();
        if (env == null || task == null || task.attemptNumber() > 0) {
            return;
        }
        double p = env.conf().getDouble(FAILURE, 0);
        if (!(p > 0)) {
            return;
        }
        long h = mix(mix(env.conf().getLong(SEED, 0) * 0x9E3779B97F4A7C15L + kind.hashCode()) + key);
        if ((h >>> 11) * 0x1.0p-53 < p) {
            throw new IllegalStateException("injected fault (" + FAILURE + "=" + p + "): first attempt of " + kind + " task " + key);
        }
    }

    /**
     * {@code rows}, whose tasks fail as {@link #maybeFail} says (kind {@code kind}, key the partition) when faults are
     * configured; {@code rows} itself, untouched, when they are not (the default).
     */
    public static Dataset<Row> injected(Dataset<Row> rows, String kind) {
        if (!(rows.sparkSession().sparkContext().conf().getDouble(FAILURE, 0) > 0)) {
            return rows;
        }
        return rows.mapPartitions((MapPartitionsFunction<Row, Row>) it -> {
            maybeFail(kind, TaskContext.getPartitionId());
            return it;
        }, Encoders.row(rows.schema()));
    }

    /**
     * Whether the commit just written as {@code file} (a table's {@code _delta_log/N.json}) is to look failed to its writer,
     * as {@link #LOST_COMMIT_ACK} says; counted in {@link #lostCommitAcks()}. Called by
     * {@link io.losslake.spark.lake.LockingLocalLogStore} on the driver.
     */
    public static boolean loseCommitAck(org.apache.hadoop.fs.Path file) {
        SparkEnv env = SparkEnv.get();
        java.util.regex.Matcher m = COMMIT_FILE.matcher(file.getName());
        if (env == null || !m.matches() || file.getParent() == null || file.getParent().getParent() == null) {
            return false;
        }
        double p = env.conf().getDouble(LOST_COMMIT_ACK, 0);
        if (!(p > 0) || !ackLost(env.conf().getLong(SEED, 0), p, file.getParent().getParent().getName(), Long.parseLong(m.group(1)))) {
            return false;
        }
        LOST_ACKS.incrementAndGet();
        return true;
    }

    /** The decision of {@link #loseCommitAck}: whether version {@code version} of {@code table} loses its acknowledgement. */
    public static boolean ackLost(long seed, double p, String table, long version) {
        long h = mix(mix(seed * 0x9E3779B97F4A7C15L + table.hashCode() + 0x51ED27L) + version);
        return (h >>> 11) * 0x1.0p-53 < p;
    }

    /** Commits whose acknowledgement this JVM lost on purpose so far. */
    public static int lostCommitAcks() {
        return LOST_ACKS.get();
    }

    /** MurmurHash3's 64-bit finaliser. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}
