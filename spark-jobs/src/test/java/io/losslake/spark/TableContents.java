package io.losslake.spark;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A lake table's rows as sorted strings, without the columns that say when, where or how long: what two equivalent runs must share. */
final class TableContents {
    /** Columns that differ between equivalent runs: ids, times, durations, the master, the fitted path. */
    static final Set<String> VOLATILE = Set.of("run_id", "model_run_id", "recorded_at", "started_at", "finished_at", "wall_seconds",
            "client_compute_seconds", "training_seconds", "driver_seconds", "compute_seconds", "spark_master", "spark_app_id", "source");

    private TableContents() {
    }

    static List<String> rows(SparkSession spark, Path table) {
        return rows(spark, table.toString());
    }

    /** The same, for a table at any Hadoop path (s3a:// among them). */
    static List<String> rows(SparkSession spark, String table) {
        Dataset<Row> rows = spark.read().format("delta").load(table);
        Column[] kept = Arrays.stream(rows.columns()).filter(c -> !VOLATILE.contains(c)).map(rows::col).toArray(Column[]::new);
        return rows.select(kept).collectAsList().stream().map(Row::toString).sorted().toList();
    }
}
