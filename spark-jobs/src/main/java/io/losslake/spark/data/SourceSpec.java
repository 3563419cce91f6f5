package io.losslake.spark.data;

import io.losslake.data.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * Where a dataset comes from and how to read it.
 *
 * @param format         idx, csv, parquet or delta
 * @param input          a folder (idx) or a file, folder or table path (others); local or any Hadoop path
 * @param dataset        the name it gets in the lake
 * @param classes        declared number of classes, or null to take max label + 1
 * @param labelColumn    tabular: the label column
 * @param featureColumns tabular: feature columns by name; {@code prefix*} matches every column starting with prefix
 * @param splitColumn    tabular: column holding train/test, or null for a seeded split
 * @param testFraction   tabular without a split column: fraction of rows sent to test
 * @param groupColumn    tabular: column naming each example's natural client (writer id), or null
 * @param imageShape     tabular: rows and cols when the features are an image, or null
 * @param normalize      none, pixels, standardize or minmax
 * @param seed           seed of the seeded split
 */
public record SourceSpec(String format, String input, String dataset, Integer classes, String labelColumn, List<String> featureColumns,
                         String splitColumn, double testFraction, String groupColumn, int[] imageShape, String normalize, long seed) {
    public static final List<String> FORMATS = List.of("idx", "csv", "parquet", "delta");

    public SourceSpec {
        format = format == null ? "" : format.toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("Invalid --format '" + format + "': expected one of " + String.join(", ", FORMATS) + ".");
        }
        if (dataset == null || !dataset.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("Invalid --dataset '" + dataset + "': expected letters, digits, '.', '_' or '-'.");
        }
        if (classes != null && (classes < 2 || classes > 65_536)) {
            throw new IllegalArgumentException("Invalid --classes " + classes + ": expected between 2 and 65536.");
        }
        normalize = Normalizer.mode(normalize);
        boolean tabular = !format.equals("idx");
        if (tabular && (labelColumn == null || featureColumns == null || featureColumns.isEmpty())) {
            throw new IllegalArgumentException("A " + format + " source needs --label-column and --feature-columns.");
        }
        if (!tabular && (labelColumn != null || (featureColumns != null && !featureColumns.isEmpty()) || splitColumn != null
                || groupColumn != null || imageShape != null)) {
            throw new IllegalArgumentException("--label-column, --feature-columns, --split-column, --group-column and --image-shape "
                    + "apply to csv, parquet and delta sources, not idx.");
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("Invalid --test-fraction " + testFraction + ": expected a fraction strictly between 0 and 1.");
        }
        if (imageShape != null && (imageShape.length != 2 || imageShape[0] < 1 || imageShape[1] < 1)) {
            throw new IllegalArgumentException("Invalid --image-shape: expected ROWSxCOLS, e.g. 28x28.");
        }
    }

    /** Parses {@code 28x28}. */
    public static int[] parseShape(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("Invalid --image-shape '" + text + "': expected ROWSxCOLS, e.g. 28x28.");
    }
}
