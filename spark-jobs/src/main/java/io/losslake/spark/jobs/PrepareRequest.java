package io.losslake.spark.jobs;

import io.losslake.data.IdxDirectory;
import io.losslake.data.partition.NaturalPartitioner;
import io.losslake.data.partition.PartitionSpec;
import io.losslake.spark.data.SourceSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dataset into the lake and dealt to clients, as asked for ({@code losslake prepare}); each
 * component is the option of the same name, null when not given.
 *
 * @param schemeParameters the scheme's parameters as given (flag name without dashes to text)
 */
public record PrepareRequest(String format, String input, String dataset, Integer classes, String labelColumn, List<String> featureColumns,
                             String splitColumn, double testFraction, String groupColumn, String imageShape, String normalize, String scheme,
                             Integer clients, Map<String, String> schemeParameters, String plan, long seed) {

    public PrepareRequest {
        featureColumns = featureColumns == null ? null : List.copyOf(featureColumns);
        schemeParameters = Map.copyOf(schemeParameters == null ? Map.of() : schemeParameters);
    }

    /** Fashion-MNIST from Debian's package, dealt IID to {@code clients} clients. */
    public static PrepareRequest fashionMnist(String scheme, int clients, Map<String, String> schemeParameters, String plan) {
        return new PrepareRequest("idx", IdxDirectory.FASHION_MNIST_DEFAULT.toString(), null, null, null, null, null, 0.2, null, null, null,
                scheme, clients, schemeParameters, plan, 42);
    }

    /** How the source is read. */
    public SourceSpec source() {
        String name = dataset != null ? dataset : defaultDatasetName(input);
        return new SourceSpec(format, input, name, classes, labelColumn, featureColumns, splitColumn, testFraction, groupColumn,
                SourceSpec.parseShape(imageShape), normalize != null ? normalize : (format.equalsIgnoreCase("idx") ? "pixels" : "none"), seed);
    }

    public PartitionSpec partitionSpec() {
        return new PartitionSpec(scheme, clients, schemeParameters);
    }

    /** The plan's name: as given, else {@code <dataset>-<scheme>-<parameters>-c<clients>-seed<seed>}. */
    public String planName() {
        return plan != null ? plan : source().dataset() + "-" + partitionSpec().defaultPlanName(seed);
    }

    /**
     * Checks everything that can be checked without reading the data.
     *
     * @throws IllegalArgumentException one sentence naming the option and what was expected
     */
    public void check() {
        source();
        if (partitionSpec().partitioner() instanceof NaturalPartitioner && groupColumn == null) {
            throw new IllegalArgumentException("The natural scheme needs --group-column naming each example's client.");
        }
        if (plan != null && !plan.matches("[A-Za-z0-9][A-Za-z0-9_.=-]*")) {
            throw new IllegalArgumentException("Invalid --plan '" + plan + "': expected letters, digits, '.', '_', '=' or '-'.");
        }
    }

    /** The request as the runs table stores it: option names to values, the scheme's parameters among them. */
    public Map<String, Object> toConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("format", format);
        c.put("input", input);
        c.put("dataset", dataset);
        c.put("classes", classes);
        c.put("label-column", labelColumn);
        c.put("feature-columns", featureColumns);
        c.put("split-column", splitColumn);
        c.put("test-fraction", testFraction);
        c.put("group-column", groupColumn);
        c.put("image-shape", imageShape);
        c.put("normalize", normalize);
        c.put("scheme", scheme);
        c.put("clients", clients);
        c.putAll(new TreeMap<>(schemeParameters));
        c.put("plan", plan);
        c.put("seed", seed);
        return c;
    }

    /** The dataset's name when none is given: fashion-mnist for the default input, else the input's last path element. */
    public static String defaultDatasetName(String input) {
        if (input.equals(IdxDirectory.FASHION_MNIST_DEFAULT.toString())) {
            return "fashion-mnist";
        }
        String trimmed = input.replaceAll("/+$", "");
        String last = trimmed.substring(trimmed.lastIndexOf('/') + 1).replaceAll("\\.(csv|parquet)$", "");
        String cleaned = last.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        return cleaned.isEmpty() ? "dataset" : cleaned;
    }
}
