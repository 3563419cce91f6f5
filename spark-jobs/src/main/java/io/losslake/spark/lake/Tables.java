package io.losslake.spark.lake;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The lake's tables and their columns: the contract with notebooks, Airflow and users. Every
 * column carries its description as a Delta column comment; the README documents the same columns
 * (a test keeps them in step). Changing a column here is a migration: say so in the README.
 */
public final class Tables {
    public static final String RUNS = "runs";
    public static final String ROUND_METRICS = "round_metrics";

    public static final StructType RUNS_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "unique id of the run, yyyyMMdd-HHmmss-<6 hex>"),
            col("command", DataTypes.StringType, "the losslake command that ran, e.g. pipeline"),
            col("status", DataTypes.StringType, "RUNNING, SUCCEEDED or FAILED"),
            col("seed", DataTypes.LongType, "the run seed every random choice derives from"),
            col("dataset", DataTypes.StringType, "where the data came from"),
            col("config_json", DataTypes.StringType, "every option of the run, as JSON"),
            col("started_at", DataTypes.TimestampType, "when the run started (UTC)"),
            col("finished_at", DataTypes.TimestampType, "when it ended; null while RUNNING"),
            col("wall_seconds", DataTypes.DoubleType, "wall time from start to end"),
            col("result_json", DataTypes.StringType, "final figures of the run, as JSON"),
            col("error", DataTypes.StringType, "the failure message of a FAILED run"),
            col("losslake_version", DataTypes.StringType, "version of losslake that ran it"),
            col("spark_version", DataTypes.StringType, "version of Spark that ran it"),
            col("spark_master", DataTypes.StringType, "the Spark master, e.g. local[*] or yarn"),
            col("spark_app_id", DataTypes.StringType, "the Spark application id, to find its logs"));

    public static final StructType ROUND_METRICS_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "the run, see runs.run_id"),
            col("round", DataTypes.IntegerType, "1-based communication round"),
            col("test_loss", DataTypes.DoubleType, "mean cross-entropy (nats) of the global model on the test split after the round"),
            col("test_accuracy", DataTypes.DoubleType, "accuracy of the global model on the test split after the round"),
            col("mean_client_train_loss", DataTypes.DoubleType, "mean over participating clients (example-weighted) of their local training loss during the round"),
            col("clients", DataTypes.IntegerType, "clients whose updates were aggregated this round"),
            col("examples_trained", DataTypes.LongType, "examples processed by local training this round (examples x local epochs)"),
            col("train_flops", DataTypes.DoubleType, "cumulative training FLOPs of all clients up to and including this round"),
            col("wall_seconds", DataTypes.DoubleType, "wall time of the round on the driver, training to metrics"),
            col("client_compute_seconds", DataTypes.DoubleType, "sum over clients of their local training time"),
            col("recorded_at", DataTypes.TimestampType, "when the row was written (UTC)"));

    private Tables() {
    }

    /** The schema of a table by name. */
    public static StructType schemaOf(String table) {
        return switch (table) {
            case RUNS -> RUNS_SCHEMA;
            case ROUND_METRICS -> ROUND_METRICS_SCHEMA;
            default -> throw new IllegalArgumentException("no table " + table);
        };
    }

    public static List<String> names() {
        return List.of(RUNS, ROUND_METRICS);
    }

    private static StructField col(String name, DataType type, String comment) {
        return DataTypes.createStructField(name, type, true).withComment(comment);
    }

    private static StructType schema(StructField... fields) {
        return DataTypes.createStructType(fields);
    }
}
