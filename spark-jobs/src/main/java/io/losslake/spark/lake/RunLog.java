package io.losslake.spark.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code runs} table: one row per run, inserted RUNNING at start and updated once at the end.
 * {@link #record} is the one place a run's start and end are logged: every job runs its work
 * through it.
 */
public final class RunLog {
    private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);

    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Lake lake;

    public RunLog(Lake lake) {
        this.lake = lake;
    }

    /** A new, practically unique, time-sortable run id such as {@code 20261127-193012-a1b2c3}. */
    public static String newRunId(Instant now) {
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        return ID_TIME.format(now) + "-" + HexFormat.of().formatHex(suffix);
    }

    /** What is known of a run when it starts. */
    public record Start(String runId, String command, long seed, String dataset, String configJson, Instant startedAt) {
    }

    public void start(Start run, String version) {
        SparkSession spark = lake.spark();
        lake.append(Tables.RUNS, Tables.RUNS_SCHEMA, List.of(RowFactory.create(
                run.runId(), run.command(), RUNNING, run.seed(), run.dataset(), run.configJson(),
                Timestamp.from(run.startedAt()), null, null, null, null,
                version, spark.version(), spark.sparkContext().master(), spark.sparkContext().applicationId())));
    }

    /**
     * How a run ended, for its row.
     *
     * @param status {@link #SUCCEEDED} or {@link #FAILED}
     * @param result what it produced (written as JSON), or null
     * @param error  why it failed, or null
     */
    public record Ending(String status, Object result, String error) {
        public static Ending succeeded(Object result) {
            return new Ending(SUCCEEDED, result, null);
        }
    }

    /**
     * Runs {@code work} as the run {@code start} describes: inserts its RUNNING row (or, for a
     * resumed run, marks its row RUNNING again), does the work, and marks the row with how it
     * ended; if the work throws, the row says FAILED and why, and the exception goes on.
     *
     * @param resumed whether {@code start.runId()} already has a row
     * @param ending  how the work's value ended the run
     */
    public <T> T record(Start start, boolean resumed, String version, Supplier<T> work, Function<T, Ending> ending) {
        if (resumed) {
            markRunning(start.runId());
        } else {
            start(start, version);
        }
        LOG.info("run {} ({}) {}", start.runId(), start.command(), resumed ? "resumed" : "started");
        T value;
        try {
            value = work.get();
        } catch (RuntimeException | Error e) {
            double seconds = secondsSince(start.startedAt());
            LOG.info("run {} ({}) FAILED after {} s: {}", start.runId(), start.command(), seconds, e.getMessage());
            finish(start.runId(), FAILED, Instant.now(), seconds, null, String.valueOf(e.getMessage()));
            throw e;
        }
        Ending end = ending.apply(value);
        double seconds = secondsSince(start.startedAt());
        finish(start.runId(), end.status(), Instant.now(), seconds, end.result() == null ? null : Json.of(end.result()), end.error());
        LOG.info("run {} ({}) {} in {} s", start.runId(), start.command(), end.status(), seconds);
        return value;
    }

    /** Seconds from {@code since} to now, to the millisecond. */
    public static double secondsSince(Instant since) {
        return (Instant.now().toEpochMilli() - since.toEpochMilli()) / 1000.0;
    }

    /** Marks a run RUNNING again (a resumed run). */
    public void markRunning(String runId) {
        Map<String, Column> set = new LinkedHashMap<>();
        set.put("status", lit(RUNNING));
        set.put("finished_at", lit(null).cast(DataTypes.TimestampType));
        set.put("error", lit(null).cast(DataTypes.StringType));
        update(runId, set);
    }

    /** The {@code runs} row of {@code runId}, or null. */
    public org.apache.spark.sql.Row find(String runId) {
        if (!lake.exists(Tables.RUNS)) {
            return null;
        }
        List<org.apache.spark.sql.Row> rows = lake.read(Tables.RUNS).where(col("run_id").equalTo(runId)).collectAsList();
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * The row of {@code command}'s run {@code runId} for {@code --resume}: one that exists, is that command's and has not
     * succeeded; otherwise one sentence naming what is wrong.
     */
    public org.apache.spark.sql.Row unfinished(String runId, String command) {
        org.apache.spark.sql.Row row = find(runId);
        if (row == null) {
            throw new io.losslake.spark.runtime.UserInputException("--resume " + runId + ": the lake " + lake.root() + " has no run with that id.");
        }
        if (!command.equals(row.getAs("command"))) {
            throw new io.losslake.spark.runtime.UserInputException("--resume " + runId + ": that run is a '" + row.getAs("command") + "' run; "
                    + command + " --resume continues " + command + " runs only.");
        }
        if (SUCCEEDED.equals(row.getAs("status"))) {
            throw new io.losslake.spark.runtime.UserInputException("--resume " + runId + ": that run already finished.");
        }
        return row;
    }

    /** Whether {@code table} holds rows of run {@code runId} (in its {@code run_id} column). */
    public boolean wrote(String table, String runId) {
        return lake.exists(table) && !lake.read(table).where(col("run_id").equalTo(runId)).limit(1).isEmpty();
    }

    /** Marks the run finished. Retries when a concurrent run's commit races ours. */
    public void finish(String runId, String status, Instant finishedAt, double wallSeconds, String resultJson, String error) {
        Map<String, Column> set = new LinkedHashMap<>();
        set.put("status", lit(status));
        set.put("finished_at", lit(Timestamp.from(finishedAt)).cast(DataTypes.TimestampType));
        set.put("wall_seconds", lit(wallSeconds));
        set.put("result_json", lit(resultJson).cast(DataTypes.StringType));
        set.put("error", lit(error).cast(DataTypes.StringType));
        update(runId, set);
    }

    private void update(String runId, Map<String, Column> set) {
        lake.described("update run " + runId + " in runs", () -> Lake.retrying(Tables.RUNS, () -> lake.delta(Tables.RUNS).update(col("run_id").equalTo(runId), set)));
    }
}
