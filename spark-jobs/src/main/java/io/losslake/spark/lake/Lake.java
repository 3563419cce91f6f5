package io.losslake.spark.lake;

import io.delta.exceptions.DeltaConcurrentModificationException;
import io.delta.tables.DeltaTable;
import io.losslake.spark.runtime.Faults;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The Delta tables under one root. Rows are written by blind appends, which Delta commits past
 * concurrent writers' commits by itself; each (run_id, round) is produced exactly once by the run
 * that owns it. What Delta surfaces instead of retrying (writers racing to create a table, a
 * concurrent schema change, a writer meeting its own commit) is retried here.
 *
 * <p>Every append is idempotent: it carries Delta's {@code txnAppId} (this object's {@link #writerId()})
 * and {@code txnVersion} (a sequence per table), and Delta skips a write whose version it has already
 * committed for that id. This matters when a commit lands but its writer is not told (an object store's
 * lost response, after which the retried put-if-absent finds the file taken). Delta then checks the
 * "winning" commit for conflicts. Where it finds none it commits the same files again, which readers
 * count once; where it finds one (the winner created the table or changed its schema) it raises it, and
 * writing the rows again would add them twice. With the id, the winner is recognised as this writer's own
 * ({@code ConcurrentTransactionException}), and the write, retried here, is skipped. Replacing writes,
 * deletes and updates are idempotent by themselves and are retried the same way. {@code FaultsTest}
 * loses commit acknowledgements on purpose. Local-folder lakes serialise commits
 * across processes through {@link LockingLocalLogStore}.
 */
public final class Lake {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Lake.class);
    private final SparkSession spark;
    private final String root;
    /** Delta application id of this object's appends: unique per object, so per process and command. */
    private final String writerId = "losslake-" + java.util.UUID.randomUUID();
    /** Per table, the transaction version of the last append from this object. */
    private final java.util.concurrent.ConcurrentHashMap<String, long[]> sequences = new java.util.concurrent.ConcurrentHashMap<>();

    public Lake(SparkSession spark, String root) {
        this.spark = spark;
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    public String root() {
        return root;
    }

    public SparkSession spark() {
        return spark;
    }

    public String path(String table) {
        return root + "/" + table;
    }

    public boolean exists(String table) {
        return DeltaTable.isDeltaTable(spark, path(table));
    }

    /** Appends {@code rows} (in {@code schema}'s column order) to {@code table}, creating it if needed. */
    public void append(String table, StructType schema, List<Row> rows) {
        // Rows carrying weight vectors are spread over tasks of ~1 MiB, Spark's recommended task size.
        long bytes = 0;
        for (Row row : rows) {
            for (int i = 0; i < row.length(); i++) {
                bytes += approximateBytes(row.get(i));
            }
        }
        int slices = (int) Math.max(1, Math.min(rows.size(), bytes / (768 * 1024) + 1));
        Dataset<Row> frame = Faults.injected(slices == 1 ? spark.createDataFrame(rows, schema)
                : spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, slices), schema), "append " + table);
        // One append to a table at a time from this object, so that its versions reach the table in order: Delta skips a
        // write whose version is not above the last one committed for its application id.
        long[] sequence = sequences.computeIfAbsent(table, t -> new long[1]);
        synchronized (sequence) {
            long version = ++sequence[0];
            described("append " + rows.size() + " rows to " + table, () -> retrying(table, () -> frame.write()
                    .format("delta")
                    .mode("append")
                    .option("mergeSchema", "true")
                    .option("txnAppId", writerId)
                    .option("txnVersion", version)
                    .save(path(table))));
        }
    }

    /** The Delta application id under which this object's appends are committed (see {@link #append}). */
    public String writerId() {
        return writerId;
    }

    /**
     * Called before every write: on a lake whose log store takes one writer at a time, makes sure
     * this process holds the lake's {@link WriterLease} (or stops with one sentence).
     */
    public void claimWrite() {
        WriterLease.ensure(spark, root);
    }

    /**
     * Runs one of this lake's writes, {@code work}, with its Spark jobs described as {@code what}, after the command's name, in
     * the Spark UI; the thread's description before is restored after.
     */
    public void described(String what, Runnable work) {
        claimWrite();
        var sc = spark.sparkContext();
        String before = sc.getLocalProperty("spark.job.description");
        String command = sc.getLocalProperty(io.losslake.spark.runtime.LakeSession.COMMAND_PROPERTY);
        sc.setJobDescription((command == null ? "losslake" : command) + ": " + what);
        try {
            work.run();
        } finally {
            sc.setJobDescription(before);
        }
    }

    /** Commit attempts before a conflict Delta would not resolve reaches the caller. */
    static final int ATTEMPTS = 8;

    /**
     * Runs one Delta write, again after a {@link DeltaConcurrentModificationException} (e.g. the
     * {@code ProtocolChangedException} of two writers creating {@code table} at once: the loser
     * finds the table there on its next try), with a growing, jittered pause.
     */
    public static void retrying(String table, Runnable write) {
        for (int attempt = 1; ; attempt++) {
            try {
                write.run();
                return;
            } catch (DeltaConcurrentModificationException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                LOG.info("commit to {} raced another writer ({}); attempt {} of {}", table, e.getClass().getSimpleName(), attempt + 1, ATTEMPTS);
                pause(attempt, e);
            }
        }
    }

    /** Sleeps 50-150 ms times the attempt number. */
    static void pause(int attempt, RuntimeException cause) {
        try {
            Thread.sleep((long) (attempt * (50 + 100 * java.util.concurrent.ThreadLocalRandom.current().nextDouble())));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }

    /**
     * Atomically replaces the rows of {@code table} matching {@code column = value} (one value of
     * its partition column) by {@code rows}, creating the table partitioned by {@code column} if
     * needed. Re-running the same write leaves the same rows: idempotent.
     */
    public void replacePartition(String table, String column, String value, Dataset<Row> rows) {
        described("replace " + column + " = " + value + " in " + table, () -> retrying(table, () -> Faults.injected(rows, "replace " + table).write()
                .format("delta")
                .mode("overwrite")
                .partitionBy(column)
                .option("replaceWhere", column + " = '" + value.replace("'", "''") + "'")
                .save(path(table))));
    }

    private static long approximateBytes(Object value) {
        if (value instanceof float[] f) {
            return 4L * f.length;
        }
        if (value instanceof scala.collection.Map<?, ?> map) {
            long total = 0;
            scala.collection.Iterator<?> it = map.valuesIterator();
            while (it.hasNext()) {
                total += approximateBytes(it.next());
            }
            return total;
        }
        return 16;
    }

    public Dataset<Row> read(String table) {
        return spark.read().format("delta").load(path(table));
    }

    public DeltaTable delta(String table) {
        return DeltaTable.forPath(spark, path(table));
    }
}
