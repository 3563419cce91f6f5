package io.losslake.spark.jobs;

import io.losslake.spark.lake.Lake;
import io.losslake.spark.runtime.UserInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The tables fits read: a lake table or any Delta, Parquet or CSV path, its columns checked, filtered by SQL. */
final class Sources {
    private Sources() {
    }

    /**
     * Reads {@code source} as {@code format} (delta, parquet or csv with a header row).
     *
     * @param lakeTable whether {@code source} is a table of the lake (for the message)
     */
    static Dataset<Row> read(Lake lake, String source, String format, boolean lakeTable) {
        String f = format == null ? "delta" : format.toLowerCase(Locale.ROOT);
        try {
            return switch (f) {
                case "delta" -> lake.spark().read().format("delta").load(source);
                case "parquet" -> lake.spark().read().parquet(source);
                case "csv" -> lake.spark().read().option("header", "true").option("inferSchema", "true").csv(source);
                default -> throw new UserInputException("Invalid --format '" + format + "': expected delta, parquet or csv.");
            };
        } catch (UserInputException e) {
            throw e;
        } catch (Exception e) {
            throw new UserInputException(source + " is not a readable " + (lakeTable ? "Delta table" : f + " source") + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ".", e);
        }
    }

    /** Fails with one sentence if {@code rows} lacks one of {@code needed}. */
    static void requireColumns(Dataset<Row> rows, String source, List<String> needed) {
        List<String> columns = Arrays.asList(rows.columns());
        for (String c : needed) {
            if (!columns.contains(c)) {
                throw new UserInputException(source + " has no column '" + c + "'; its columns are " + String.join(", ", columns) + ".");
            }
        }
    }

    /** {@code rows} filtered by {@code where} (Spark SQL), or unchanged when it is null; one sentence if it is not a valid filter. */
    static Dataset<Row> filter(Dataset<Row> rows, String where, String source) {
        if (where == null) {
            return rows;
        }
        try {
            Dataset<Row> filtered = rows.where(where);
            filtered.schema();
            return filtered;
        } catch (Exception e) {
            throw new UserInputException("--where \"" + where + "\" is not a valid filter of " + source + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ".", e);
        }
    }
}
