package io.losslake.spark.cli;

import io.losslake.data.DatasetException;
import io.losslake.data.IdxDirectory;
import io.losslake.data.partition.FeatureShiftPartitioner;
import io.losslake.data.partition.NaturalPartitioner;
import io.losslake.data.partition.Partition;
import io.losslake.data.partition.PartitionInput;
import io.losslake.data.partition.PartitionSpec;
import io.losslake.data.partition.PartitionStats;
import io.losslake.data.partition.Partitioner;
import io.losslake.spark.LakeSession;
import io.losslake.spark.Version;
import io.losslake.spark.data.PartitionWriter;
import io.losslake.spark.data.PreparedSource;
import io.losslake.spark.data.SourceReader;
import io.losslake.spark.data.SourceSpec;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake prepare}: a dataset into the examples table, dealt to clients by a named partition plan. */
@Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Reads a dataset (IDX files, or a CSV, Parquet or Delta source), writes it to the examples table,",
            "deals its train split to simulated clients with a partition scheme and writes the plan to the",
            "partitions table and its statistics to partition_stats. Re-running with the same inputs and seed",
            "leaves the same rows: the dataset's examples and the plan are replaced, never duplicated."},
        footer = {"", "Schemes and their parameters:",
            "  iid                                   uniform shuffle, equal sizes",
            "  dirichlet      --alpha [--min-size 10] [--self-balancing true]   label skew (Flower's algorithm)",
            "  shards         [--classes-per-client 2]                         exactly k classes per client",
            "  quantity       [--law dirichlet --alpha | --law power --exponent] [--min-size 1]   size skew, IID labels",
            "  feature-shift  [--noise] [--rotation] [--brightness]           per-client covariate shift, IID labels",
            "  natural        --group-column (tabular)                         one client per group value",
            "Exit status: 0 done, 1 failed, 2 bad input (nothing written)."})
public final class PrepareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values.")
    Path config;

    @Option(names = "--format", defaultValue = "idx", description = "idx, csv, parquet or delta. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--input", paramLabel = "PATH", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "IDX folder, or CSV/Parquet file or folder, or Delta table; local or any Hadoop path. Default: ${DEFAULT-VALUE}.")
    String input;

    @Option(names = "--dataset", description = "Name of the dataset in the lake. Default: fashion-mnist for the default input, else the input's last path element.")
    String dataset;

    @Option(names = "--classes", description = "Declared number of classes; labels outside 0..N-1 are an error. Default: max label + 1.")
    Integer classes;

    @Option(names = "--label-column", description = "Tabular sources: the label column.")
    String labelColumn;

    @Option(names = "--feature-columns", split = ",", paramLabel = "COLS",
            description = "Tabular sources: feature columns, comma-separated; 'pixel*' takes every column starting with 'pixel'.")
    List<String> featureColumns;

    @Option(names = "--split-column", description = "Tabular sources: column holding train or test. Without it the split is seeded.")
    String splitColumn;

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "Tabular sources without --split-column: test share. Default: ${DEFAULT-VALUE}.")
    double testFraction;

    @Option(names = "--group-column", description = "Tabular sources: column naming each example's natural client (for --scheme natural).")
    String groupColumn;

    @Option(names = "--image-shape", paramLabel = "ROWSxCOLS", description = "Tabular sources whose features are an image, e.g. 28x28.")
    String imageShape;

    @Option(names = "--normalize", description = "none, pixels (/255), standardize or minmax (per feature, from the train split). Default: pixels for idx, none otherwise.")
    String normalize;

    @Option(names = "--scheme", defaultValue = "iid", description = "Partition scheme: iid, dirichlet, shards, quantity, feature-shift, natural. Default: ${DEFAULT-VALUE}.")
    String scheme;

    @Option(names = "--clients", description = "Number of simulated clients (every scheme but natural).")
    Integer clients;

    @Option(names = "--alpha", description = "dirichlet, quantity --law dirichlet: concentration.")
    String alpha;

    @Option(names = "--min-size", description = "dirichlet (default 10), quantity (default 1): fewest examples per client.")
    String minSize;

    @Option(names = "--self-balancing", description = "dirichlet: stop giving examples to clients above the mean size (default true).")
    String selfBalancing;

    @Option(names = "--classes-per-client", description = "shards: classes per client (default 2).")
    String classesPerClient;

    @Option(names = "--law", description = "quantity: dirichlet (default) or power.")
    String law;

    @Option(names = "--exponent", description = "quantity --law power: rank-size exponent.")
    String exponent;

    @Option(names = "--noise", description = "feature-shift: largest per-client noise std.")
    String noise;

    @Option(names = "--rotation", description = "feature-shift: largest per-client rotation, degrees (images).")
    String rotation;

    @Option(names = "--brightness", description = "feature-shift: largest per-client brightness offset.")
    String brightness;

    @Option(names = "--plan", description = "Name of the partition plan (partition_id). Default: <dataset>-<scheme>-<parameters>-c<clients>-seed<seed>.")
    String plan;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the partition (and of a seeded split). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Instant startedAt = Instant.now();
        SourceSpec source;
        PartitionSpec partitionSpec;
        Partitioner partitioner;
        try {
            String name = dataset != null ? dataset : defaultDatasetName(input);
            source = new SourceSpec(format, input, name, classes, labelColumn, featureColumns, splitColumn, testFraction, groupColumn,
                    SourceSpec.parseShape(imageShape), normalize != null ? normalize : (format.equalsIgnoreCase("idx") ? "pixels" : "none"), seed);
            partitionSpec = new PartitionSpec(scheme, clients, schemeParameters());
            partitioner = partitionSpec.partitioner();
            if (partitioner instanceof NaturalPartitioner && groupColumn == null) {
                throw new IllegalArgumentException("The natural scheme needs --group-column naming each example's client.");
            }
            if (plan != null && !plan.matches("[A-Za-z0-9][A-Za-z0-9_.=-]*")) {
                throw new IllegalArgumentException("Invalid --plan '" + plan + "': expected letters, digits, '.', '_', '=' or '-'.");
            }
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        String partitionId = plan != null ? plan : source.dataset() + "-" + partitionSpec.defaultPlanName(seed);

        try (LakeSession session = LakeSession.open("losslake prepare " + partitionId, sparkOptions)) {
            Lake lake = new Lake(session.spark(), session.qualifyLake(sparkOptions.lake()));
            String runId = RunLog.newRunId(startedAt);
            long t0 = System.nanoTime();
            PreparedSource prepared;
            Partition partition;
            try {
                prepared = SourceReader.read(session.spark(), source, runId);
                if (partitioner instanceof FeatureShiftPartitioner fs && fs.rotates() && !prepared.isImage()) {
                    throw new IllegalArgumentException("--rotation needs image features: give --image-shape ROWSxCOLS for a tabular source.");
                }
                partition = partitioner.partition(new PartitionInput(prepared.trainLabels(), prepared.numClasses(), prepared.trainGroups()), seed);
            } catch (IllegalArgumentException | DatasetException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            out.printf("losslake prepare: run %s, dataset %s from %s (%s, %d train / %d test, %d classes, shape %s, normalize %s)%n",
                    runId, source.dataset(), input, source.format(), prepared.trainCount(), prepared.testCount(), prepared.numClasses(),
                    shapeText(prepared.shape()), prepared.normalize());
            out.printf("plan %s: %s into %d clients, dealt in %.1f s%n", partitionId, partitionSpec.scheme(), partition.numClients(), seconds(t0));
            out.flush();

            RunLog runs = new RunLog(lake);
            runs.start(new RunLog.Start(runId, "prepare", seed, source.dataset(), Json.options(spec), startedAt), Version.current());
            try {
                long t1 = System.nanoTime();
                lake.replacePartition(Tables.EXAMPLES, "dataset", source.dataset(), prepared.examples());
                long rows = prepared.trainCount() + prepared.testCount();
                out.printf("examples: %,d rows of %s written in %.1f s (%,.0f rows/s)%n", rows, source.dataset(), seconds(t1),
                        rows / Math.max(1e-9, seconds(t1)));
                out.flush();
                long t2 = System.nanoTime();
                List<String> groups = partitioner instanceof NaturalPartitioner
                        ? NaturalPartitioner.groupNames(new PartitionInput(prepared.trainLabels(), prepared.numClasses(), prepared.trainGroups()))
                        : null;
                PartitionStats.Summary summary = PartitionWriter.write(lake,
                        new PartitionWriter.Plan(partitionId, prepared, partitionSpec, seed, partition, groups), runId);
                out.printf("partitions and partition_stats: %,d assignments written in %.1f s%n", partition.totalExamples(), seconds(t2));
                PartitionsCommand.printSummary(out, partitionId, summary);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("partition_id", partitionId);
                result.put("examples", rows);
                result.put("clients", summary.clients());
                result.put("mean_tv_distance", summary.meanTvDistance());
                runs.finish(runId, RunLog.SUCCEEDED, Instant.now(), seconds(startedAt), Json.of(result), null);
            } catch (RuntimeException e) {
                runs.finish(runId, RunLog.FAILED, Instant.now(), seconds(startedAt), null, String.valueOf(e.getMessage()));
                throw e;
            }
            out.printf("done in %.1f s; tables: %s, %s, %s%n", seconds(startedAt), lake.path(Tables.EXAMPLES), lake.path(Tables.PARTITIONS),
                    lake.path(Tables.PARTITION_STATS));
            out.flush();
        }
        return 0;
    }

    private Map<String, String> schemeParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "alpha", alpha);
        put(p, "min-size", minSize);
        put(p, "self-balancing", selfBalancing);
        put(p, "classes-per-client", classesPerClient);
        put(p, "law", law);
        put(p, "exponent", exponent);
        put(p, "noise", noise);
        put(p, "rotation", rotation);
        put(p, "brightness", brightness);
        return p;
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    static String defaultDatasetName(String input) {
        if (input.equals(IdxDirectory.FASHION_MNIST_DEFAULT.toString())) {
            return "fashion-mnist";
        }
        String trimmed = input.replaceAll("/+$", "");
        String last = trimmed.substring(trimmed.lastIndexOf('/') + 1).replaceAll("\\.(csv|parquet)$", "");
        String cleaned = last.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        return cleaned.isEmpty() ? "dataset" : cleaned;
    }

    private static String shapeText(int[] shape) {
        return shape.length == 2 ? shape[0] + "x" + shape[1] : Integer.toString(shape[0]);
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static double seconds(Instant since) {
        return (Instant.now().toEpochMilli() - since.toEpochMilli()) / 1000.0;
    }
}
