package io.losslake.spark.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.losslake.data.DatasetException;
import io.losslake.data.Normalizer;
import io.losslake.data.Seeds;
import io.losslake.spark.lake.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Reads a dataset from IDX files or a CSV, Parquet or Delta source into the examples table's
 * shape, checking everything a user can get wrong before anything is written: missing columns,
 * non-numeric labels, NaN, infinite or missing features, labels outside the declared classes.
 */
public final class SourceReader {
    static final String TRAIN = "train";
    static final String TEST = "test";

    private SourceReader() {
    }

    /**
     * @throws IllegalArgumentException or {@link DatasetException} with a one-sentence message on bad input
     */
    public static PreparedSource read(SparkSession spark, SourceSpec spec, String runId) {
        return spec.format().equals("idx") ? IdxSource.read(spark, spec, runId) : readTable(spark, spec, runId);
    }

    // ---------------------------------------------------------------- CSV, Parquet, Delta

    private static PreparedSource readTable(SparkSession spark, SourceSpec spec, String runId) {
        Dataset<Row> raw = load(spark, spec);
        List<String> available = Arrays.asList(raw.columns());
        requireColumn(spec, available, spec.labelColumn(), "--label-column");
        if (spec.splitColumn() != null) {
            requireColumn(spec, available, spec.splitColumn(), "--split-column");
        }
        if (spec.groupColumn() != null) {
            requireColumn(spec, available, spec.groupColumn(), "--group-column");
        }
        List<String> features = expandFeatures(spec, available);
        requireNumeric(spec, raw, spec.labelColumn(), "label column");
        for (String f : features) {
            requireNumeric(spec, raw, f, "feature column");
        }
        int d = features.size();
        int[] shape = spec.imageShape() == null ? new int[] {d} : spec.imageShape();
        if (spec.imageShape() != null && shape[0] * shape[1] != d) {
            throw new IllegalArgumentException("--image-shape " + shape[0] + "x" + shape[1] + " holds " + shape[0] * shape[1]
                    + " values but " + d + " feature columns were selected.");
        }

        Column[] featureCols = features.stream().map(f -> col(quote(f)).cast(DataTypes.FloatType)).toArray(Column[]::new);
        Dataset<Row> typed = raw.select(
                col(quote(spec.labelColumn())).cast(DataTypes.DoubleType).as("l"),
                org.apache.spark.sql.functions.array(featureCols).as("f"),
                spec.splitColumn() == null ? lit(null).cast(DataTypes.StringType).as("s")
                        : org.apache.spark.sql.functions.lower(col(quote(spec.splitColumn())).cast(DataTypes.StringType)).as("s"),
                spec.groupColumn() == null ? lit(null).cast(DataTypes.StringType).as("g")
                        : col(quote(spec.groupColumn())).cast(DataTypes.StringType).as("g"));
        int classes = validate(spec, typed);

        // Stable example ids: row order of the source (file order, then row order within a file).
        JavaRDD<TabularRow> indexed = typed.javaRDD().zipWithIndex()
                .map(new ToTabular(spec.splitColumn() == null, spec.testFraction(), spec.seed()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Normalizer normalizer = tableNormalizer(spec.normalize(), indexed, d);
        JavaRDD<Row> rows = indexed.map(new TabularToRow(spec.dataset(), runId, normalizer, shape));
        List<TabularRow> train = indexed.filter(r -> r.split.equals(TRAIN))
                .map(r -> new TabularRow(r.id, r.split, r.label, null, r.group)).collect();
        long testCount = indexed.filter(r -> r.split.equals(TEST)).count();
        if (train.isEmpty()) {
            throw new IllegalArgumentException(describe(spec) + " has no training rows; expected at least one row in the train split.");
        }
        long[] ids = new long[train.size()];
        int[] labels = new int[train.size()];
        String[] groups = spec.groupColumn() == null ? null : new String[train.size()];
        for (int i = 0; i < ids.length; i++) {
            TabularRow r = train.get(i);
            ids[i] = r.id;
            labels[i] = r.label;
            if (groups != null) {
                groups[i] = r.group;
            }
        }
        return new PreparedSource(spec.dataset(), spark.createDataFrame(rows, Tables.EXAMPLES_SCHEMA), ids, labels, groups, classes,
                shape, testCount, normalizer.modeName());
    }

    private static Dataset<Row> load(SparkSession spark, SourceSpec spec) {
        try {
            return switch (spec.format()) {
                case "csv" -> spark.read().option("header", "true").option("inferSchema", "true").option("mode", "FAILFAST").csv(spec.input());
                case "parquet" -> spark.read().parquet(spec.input());
                default -> spark.read().format("delta").load(spec.input());
            };
        } catch (Exception e) {
            if (e instanceof AnalysisException || e.getClass().getName().contains("Delta")) {
                throw new DatasetException("--input " + spec.input() + " is not a readable " + spec.format() + " source: "
                        + firstLine(e.getMessage()) + ".", e);
            }
            // a file of another format: Parquet's footer check fails inside the schema-inference job; the deepest cause says why
            String why = null;
            for (Throwable c = e; c != null; c = c.getCause()) {
                String m = String.valueOf(c.getMessage());
                if (m.contains("is not a Parquet file") || m.contains("CANNOT_READ_FILE_FOOTER")) {
                    why = firstLine(m).replaceFirst("^\\[CANNOT_READ_FILE_FOOTER\\] ", "");
                }
            }
            if (why != null) {
                throw new DatasetException("--input " + spec.input() + " is not a readable " + spec.format() + " source (" + why
                        + "); check --format (csv, parquet or delta).", e);
            }
            throw e;
        }
    }

    private static String describe(SourceSpec spec) {
        return "The " + spec.format() + " source " + spec.input();
    }

    private static void requireColumn(SourceSpec spec, List<String> available, String column, String flag) {
        if (!available.contains(column)) {
            throw new DatasetException(describe(spec) + " has no column '" + column + "' (" + flag + "); its columns are "
                    + abbreviate(available) + ".");
        }
    }

    private static List<String> expandFeatures(SourceSpec spec, List<String> available) {
        List<String> out = new ArrayList<>();
        for (String pattern : spec.featureColumns()) {
            if (pattern.endsWith("*")) {
                String prefix = pattern.substring(0, pattern.length() - 1);
                List<String> matched = available.stream().filter(c -> c.startsWith(prefix)).toList();
                if (matched.isEmpty()) {
                    throw new DatasetException(describe(spec) + " has no column matching '" + pattern + "' (--feature-columns); its columns are "
                            + abbreviate(available) + ".");
                }
                out.addAll(matched);
            } else {
                requireColumn(spec, available, pattern, "--feature-columns");
                out.add(pattern);
            }
        }
        out.remove(spec.labelColumn());
        return out.stream().distinct().toList();
    }

    private static void requireNumeric(SourceSpec spec, Dataset<Row> raw, String column, String role) {
        StructField field = raw.schema().apply(column);
        DataType type = field.dataType();
        if (!(type instanceof NumericType)) {
            Row sample = raw.select(col(quote(column))).where(col(quote(column)).isNotNull()
                    .and(col(quote(column)).cast(DataTypes.DoubleType).isNull())).limit(1).collectAsList().stream().findFirst().orElse(null);
            throw new DatasetException(describe(spec) + ": " + role + " '" + column + "' is not numeric (type " + type.simpleString()
                    + (sample == null ? "" : ", e.g. value '" + sample.get(0) + "'") + "); expected numbers.");
        }
    }

    /** One pass over the data: labels present, integral, within the classes; features present and finite; split values known. */
    private static int validate(SourceSpec spec, Dataset<Row> typed) {
        Row stats = typed.agg(
                count(lit(1)),
                sum(when(col("l").isNull(), 1).otherwise(0)),
                sum(when(col("l").notEqual(org.apache.spark.sql.functions.floor(col("l"))), 1).otherwise(0)),
                min(col("l")),
                max(col("l")),
                sum(when(expr("exists(f, x -> x IS NULL OR isnan(x) OR abs(x) = double('Infinity'))"), 1).otherwise(0)),
                sum(when(col("s").isNotNull().and(col("s").isin(TRAIN, TEST).unary_$bang()), 1).otherwise(0)),
                sum(when(col("s").isNull(), 1).otherwise(0))).first();
        long rows = stats.getLong(0);
        if (rows == 0) {
            throw new DatasetException(describe(spec) + " has no rows.");
        }
        if (stats.getLong(1) > 0) {
            throw new DatasetException(describe(spec) + ": " + stats.getLong(1) + " rows have no value in the label column '" + spec.labelColumn() + "'.");
        }
        if (stats.getLong(2) > 0) {
            throw new DatasetException(describe(spec) + ": " + stats.getLong(2) + " labels in '" + spec.labelColumn()
                    + "' are not whole numbers; expected class indices 0, 1, 2, ...");
        }
        double lo = stats.getDouble(3);
        double hi = stats.getDouble(4);
        int classes = spec.classes() != null ? spec.classes() : (int) Math.max(2, hi + 1);
        if (lo < 0 || hi >= classes) {
            throw new DatasetException(describe(spec) + ": labels in '" + spec.labelColumn() + "' range from " + (long) lo + " to " + (long) hi
                    + ", outside the declared " + classes + " classes (expected 0.." + (classes - 1) + ").");
        }
        if (stats.getLong(5) > 0) {
            throw new DatasetException(describe(spec) + ": " + stats.getLong(5) + " rows have missing, NaN or infinite features; expected a finite number in every feature column.");
        }
        if (spec.splitColumn() != null && (stats.getLong(6) > 0 || stats.getLong(7) > 0)) {
            throw new DatasetException(describe(spec) + ": " + (stats.getLong(6) + stats.getLong(7)) + " rows have a split column '"
                    + spec.splitColumn() + "' value other than train or test.");
        }
        return classes;
    }

    private static Normalizer tableNormalizer(String mode, JavaRDD<TabularRow> rows, int d) {
        if (!Normalizer.needsMoments(mode)) {
            return mode.equals("pixels") ? Normalizer.pixels() : Normalizer.none();
        }
        Moments zero = new Moments(d);
        Moments m = rows.filter(r -> r.split.equals(TRAIN)).aggregate(zero, Moments::add, Moments::merge);
        return Normalizer.fit(mode, m.count, m.sum, m.sumSq, m.min, m.max);
    }

    static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    private static String abbreviate(List<String> columns) {
        return columns.size() <= 12 ? String.join(", ", columns)
                : String.join(", ", columns.subList(0, 10)) + ", ... (" + columns.size() + " in all)";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String line = message.lines().findFirst().orElse(message);
        return line.replaceAll("[.;]\\s*$", "");
    }

    /** An example on its way from a table to the lake. */
    static final class TabularRow implements java.io.Serializable {
        final long id;
        final String split;
        final int label;
        final float[] features;
        final String group;

        TabularRow(long id, String split, int label, float[] features, String group) {
            this.id = id;
            this.split = split;
            this.label = label;
            this.features = features;
            this.group = group;
        }
    }

    private static final class ToTabular implements Function<Tuple2<Row, Long>, TabularRow> {
        private final boolean seededSplit;
        private final double testFraction;
        private final long seed;

        ToTabular(boolean seededSplit, double testFraction, long seed) {
            this.seededSplit = seededSplit;
            this.testFraction = testFraction;
            this.seed = seed;
        }

        @Override
        public TabularRow call(Tuple2<Row, Long> indexed) {
            Row r = indexed._1();
            long id = indexed._2();
            List<Float> values = r.getList(1);
            float[] x = new float[values.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = values.get(i);
            }
            String split = seededSplit
                    ? (new SplittableRandom(Seeds.derive(seed, 0x5B, id)).nextDouble() < testFraction ? TEST : TRAIN)
                    : r.getString(2).toLowerCase(Locale.ROOT);
            return new TabularRow(id, split, (int) r.getDouble(0), x, r.isNullAt(3) ? null : r.getString(3));
        }
    }

    private static final class TabularToRow implements Function<TabularRow, Row> {
        private final String dataset;
        private final String runId;
        private final Normalizer normalizer;
        private final int[] shape;

        TabularToRow(String dataset, String runId, Normalizer normalizer, int[] shape) {
            this.dataset = dataset;
            this.runId = runId;
            this.normalizer = normalizer;
            this.shape = shape;
        }

        @Override
        public Row call(TabularRow r) {
            float[] x = r.features.clone();
            normalizer.apply(x);
            return RowFactory.create(dataset, r.split, r.id, r.label, x, shape, r.group, runId);
        }
    }

    /** Per-feature count, sums, squares, minima and maxima. */
    static final class Moments implements java.io.Serializable {
        long count;
        final double[] sum;
        final double[] sumSq;
        final double[] min;
        final double[] max;

        Moments(int d) {
            sum = new double[d];
            sumSq = new double[d];
            min = new double[d];
            max = new double[d];
            Arrays.fill(min, Double.POSITIVE_INFINITY);
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
        }

        Moments add(TabularRow r) {
            count++;
            for (int i = 0; i < sum.length; i++) {
                double v = r.features[i];
                sum[i] += v;
                sumSq[i] += v * v;
                min[i] = Math.min(min[i], v);
                max[i] = Math.max(max[i], v);
            }
            return this;
        }

        Moments merge(Moments o) {
            count += o.count;
            for (int i = 0; i < sum.length; i++) {
                sum[i] += o.sum[i];
                sumSq[i] += o.sumSq[i];
                min[i] = Math.min(min[i], o.min[i]);
                max[i] = Math.max(max[i], o.max[i]);
            }
            return this;
        }
    }
}
