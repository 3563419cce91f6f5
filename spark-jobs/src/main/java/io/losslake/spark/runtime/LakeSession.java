package io.losslake.spark.runtime;

import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.LockingLocalLogStore;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session a command runs in. Precedence, resolved here only: {@code --master} and
 * {@code --conf} on our command line, then whatever spark-submit or spark-defaults set, then the
 * embedded defaults ({@code local[*]}, quiet console). A master is never forced over spark-submit's.
 * If a session already exists in this JVM (a notebook, a test) it is reused and left running.
 */
public final class LakeSession implements AutoCloseable {
    public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
    public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";
    /** Delta's setting naming the log store of {@code file:} paths. */
    public static final String LOCAL_LOG_STORE = "spark.delta.logStore.file.impl";
    public static final String S3A_LOG_STORE = "spark.delta.logStore.s3a.impl";

    private final SparkSession spark;
    private final boolean owned;

    private LakeSession(SparkSession spark, boolean owned) {
        this.spark = spark;
        this.owned = owned;
    }

    /**
     * The session for a command or job.
     *
     * @param master the master asked for on our command line, or null (spark-submit's, else embedded {@code local[*]})
     * @param conf   extra Spark settings asked for on our command line
     */
    public static LakeSession open(String appName, String master, Map<String, String> conf) {
        Faults.validate(conf);
        SparkSession existing = SparkSession.getActiveSession().getOrElse(() -> SparkSession.getDefaultSession().getOrElse(() -> null));
        if (existing != null && existing.sparkContext().isStopped()) {
            // a session an earlier command in this JVM stopped: forget it and start afresh
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
            existing = null;
        }
        if (existing != null) {
            return described(new LakeSession(existing, false), appName);
        }
        SparkConf spark = new SparkConf(); // picks up spark.* system properties, i.e. spark-submit's settings
        if (master != null) {
            spark.set("spark.master", master);
        }
        for (Map.Entry<String, String> e : conf.entrySet()) {
            spark.set(e.getKey(), e.getValue());
        }
        if (!spark.contains("spark.master")) {
            spark.set("spark.master", "local[*]"); // embedded: nobody chose a master
        }
        boolean embedded = spark.get("spark.master").startsWith("local");
        spark.setIfMissing("spark.app.name", appName);
        String extensions = spark.get("spark.sql.extensions", "");
        if (!extensions.contains(DELTA_EXTENSION)) {
            spark.set("spark.sql.extensions", extensions.isEmpty() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION);
        }
        spark.setIfMissing("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
        // local-folder lakes: commits serialised across processes (several jobs into one lake)
        spark.setIfMissing(LOCAL_LOG_STORE, LockingLocalLogStore.class.getName());
        // s3a:// lakes: several writing processes when a DynamoDB table decides commits (README, "Several jobs into one lake")
        if (!spark.get(io.losslake.spark.lake.DynamoDbLogStore.TABLE, "").isBlank()) {
            spark.setIfMissing(S3A_LOG_STORE, io.losslake.spark.lake.DynamoDbLogStore.class.getName());
        }
        // ND4J must run one OpenMP thread per Spark task (STACK.md: 20x faster on small machines).
        spark.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
        // A round's task returns its clients' sums or models, a few MiB; above 1 MiB (the default) Spark parks a result in
        // the block manager for the driver to fetch in a second trip. 64 MiB stays under spark.rpc.message.maxSize (128 MiB).
        spark.setIfMissing("spark.task.maxDirectResultSize", "64m");
        if (embedded) {
            spark.setIfMissing("spark.ui.showConsoleProgress", "false");
            spark.setIfMissing("spark.sql.shuffle.partitions", "8");
            // Delta rebuilds table state with 50 partitions by default: 50 tiny tasks per update on a laptop.
            spark.setIfMissing("spark.databricks.delta.snapshotPartitions", "4");
            spark.setIfMissing("spark.driver.host", "127.0.0.1");
            spark.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return described(new LakeSession(SparkSession.builder().config(spark).getOrCreate(), true), appName);
    }

    /** The local property naming the command, which {@link io.losslake.spark.lake.Lake} prefixes its writes' descriptions with. */
    public static final String COMMAND_PROPERTY = "losslake.command";

    /**
     * Every Spark job of the command carries a description in the Spark UI: the command by default
     * (threads the command starts inherit it), a more precise one where a job sets its own.
     */
    private static LakeSession described(LakeSession session, String appName) {
        var sc = session.spark.sparkContext();
        sc.setLocalProperty(COMMAND_PROPERTY, appName);
        sc.setJobDescription(appName);
        return session;
    }

    public SparkSession spark() {
        return spark;
    }

    /** The lake at {@code root} (qualified, see {@link #qualifyLake}). */
    public Lake lake(String root) {
        return new Lake(spark, qualifyLake(root));
    }

    /** Resolves the lake root to a qualified path, failing with a user-facing sentence if its filesystem is unusable. */
    public String qualifyLake(String root) {
        try {
            Path path = new Path(root);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.makeQualified(path).toString();
        } catch (IllegalArgumentException | IOException e) {
            throw new UserInputException("--lake " + root + " is not a usable Hadoop path: " + firstLine(e.getMessage()) + ".", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).replaceAll("[.]$", "");
    }

    @Override
    public void close() {
        if (owned) {
            spark.stop();
        }
    }
}
