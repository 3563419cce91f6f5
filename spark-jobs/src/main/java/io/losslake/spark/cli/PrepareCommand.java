package io.losslake.spark.cli;

import io.losslake.data.partition.PartitionSpec;
import io.losslake.spark.jobs.PrepareJob;
import io.losslake.spark.jobs.PrepareRequest;
import io.losslake.spark.runtime.LakeSession;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake prepare}: parses where a dataset comes from and how to deal it, and hands them to {@link PrepareJob}. */
@Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = PrepareCommand.SchemeFlags.class,
        description = {
            "Reads a dataset (IDX files, or a CSV, Parquet or Delta source), writes it to the examples table,",
            "deals its train split to simulated clients with a partition scheme and writes the plan to the",
            "partitions table and its statistics to partition_stats. Re-running with the same inputs and seed",
            "leaves the same rows: the dataset's examples and the plan are replaced, never duplicated."},
        footer = {"Exit status: 0 done, 1 failed, 2 bad input (nothing written)."})
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

    @Option(names = "--scheme", defaultValue = "iid", description = "Partition scheme (see below). Default: ${DEFAULT-VALUE}.")
    String scheme;

    @Option(names = "--clients", description = "Number of simulated clients (every scheme but natural).")
    Integer clients;

    @Option(names = "--plan", description = "Name of the partition plan (partition_id). Default: <dataset>-<scheme>-<parameters>-c<clients>-seed<seed>.")
    String plan;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the partition (and of a seeded split). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        PrepareRequest request = new PrepareRequest(format, input, dataset, classes, labelColumn, featureColumns, splitColumn, testFraction,
                groupColumn, imageShape, normalize, scheme, clients, ExtensionOptions.given(spec, PartitionSpec.catalog()), plan, seed);
        PrepareJob.check(request); // before Spark starts
        try (LakeSession session = sparkOptions.open("losslake prepare " + request.planName())) {
            PrepareJob.run(sparkOptions.lake(session), request, spec.commandLine().getOut());
        }
        return 0;
    }

    /** Adds every scheme's parameters as flags, and the schemes to the help footer. */
    public static final class SchemeFlags implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            ExtensionOptions.add(spec, PartitionSpec.catalog(), "Schemes and their parameters (defaults):");
            return spec;
        }
    }
}
