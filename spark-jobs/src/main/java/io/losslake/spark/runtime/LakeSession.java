package io.losslake.spark;

import io.losslake.spark.cli.SparkOptions;
import io.losslake.spark.cli.UserInputException;
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
    static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
    static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

    private final SparkSession spark;
    private final boolean owned;

    private LakeSession(SparkSession spark, boolean owned) {
        this.spark = spark;
        this.owned = owned;
    }

    public static LakeSession open(String appName, SparkOptions options) {
        SparkSession existing = SparkSession.getActiveSession().getOrElse(() -> SparkSession.getDefaultSession().getOrElse(() -> null));
        if (existing != null && existing.sparkContext().isStopped()) {
            // a session an earlier command in this JVM stopped: forget it and start afresh
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
            existing = null;
        }
        if (existing != null) {
            return new LakeSession(existing, false);
        }
        SparkConf conf = new SparkConf(); // picks up spark.* system properties, i.e. spark-submit's settings
        if (options.master() != null) {
            conf.set("spark.master", options.master());
        }
        for (Map.Entry<String, String> e : options.conf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        if (!conf.contains("spark.master")) {
            conf.set("spark.master", "local[*]"); // embedded: nobody chose a master
        }
        boolean embedded = conf.get("spark.master").startsWith("local");
        conf.setIfMissing("spark.app.name", appName);
        String extensions = conf.get("spark.sql.extensions", "");
        if (!extensions.contains(DELTA_EXTENSION)) {
            conf.set("spark.sql.extensions", extensions.isEmpty() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION);
        }
        conf.setIfMissing("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
        // ND4J must run one OpenMP thread per Spark task (STACK.md: 20x faster on small machines).
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
        if (embedded) {
            conf.setIfMissing("spark.ui.showConsoleProgress", "false");
            conf.setIfMissing("spark.sql.shuffle.partitions", "8");
            // Delta rebuilds table state with 50 partitions by default: 50 tiny tasks per update on a laptop.
            conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "4");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return new LakeSession(SparkSession.builder().config(conf).getOrCreate(), true);
    }

    public SparkSession spark() {
        return spark;
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
