package io.losslake.spark.cli;

import io.losslake.spark.jobs.PipelineJob;
import io.losslake.spark.jobs.PipelineRequest;
import io.losslake.spark.runtime.LakeSession;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake pipeline}: parses the embedded pipeline's options and hands them to {@link PipelineJob}. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Reads an IDX image dataset (Fashion-MNIST by default), deals its training split IID to simulated clients,",
            "runs federated rounds (clients trained in Spark tasks on the fused path, their models summed on the executors),",
            "evaluates the global model on the test split each round and appends runs and round_metrics to the lake."},
        footer = {"", "Every option can also be set in a YAML file given with --config (key = option name without",
            "the dashes); options on the command line win. Exit status: 0 done, 1 the run failed, 2 bad input."})
public final class PipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values, e.g. conf/pipeline.yaml.")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Folder with the IDX files (train-/t10k- images and labels, gzip or raw). Default: ${DEFAULT-VALUE}.")
    Path data;

    @Option(names = "--classes", defaultValue = "10", description = "Number of classes of the dataset. Default: ${DEFAULT-VALUE}.")
    int classes;

    @Option(names = "--clients", defaultValue = "10", description = "Simulated clients the training split is dealt to. Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--rounds", defaultValue = "10", description = "Communication rounds. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--model", defaultValue = "mlp:200", description = "Model: mlp:<width>[,<width>...]. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs per round. Default: ${DEFAULT-VALUE}.")
    int localEpochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Local minibatch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "nesterov", description = "Local optimiser: sgd, nesterov, momentum (heavy-ball, as PyTorch's SGD; fused trainer) or adam. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.02", description = "Local learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum of the nesterov and momentum optimisers. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--trainer", defaultValue = "fused", description = "fused (MLPs and the CNN on Java arrays and OpenBLAS) or dl4j. Default: ${DEFAULT-VALUE}.")
    String trainer;

    @Option(names = "--strategy", defaultValue = "fedavg", description = "Aggregation strategy. Default: ${DEFAULT-VALUE}.")
    String strategy;

    @Option(names = "--seed", defaultValue = "42", description = "Run seed: partition, initial weights and batch order derive from it. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        PipelineJob.Loaded loaded = PipelineJob.load(new PipelineRequest(data, classes, clients, rounds, model, localEpochs, batchSize, optimizer,
                learningRate, momentum, trainer, strategy, seed)); // data read and checked before Spark starts
        try (LakeSession session = sparkOptions.open("losslake pipeline " + loaded.runId())) {
            PipelineJob.run(sparkOptions.lake(session), loaded, spec.commandLine().getOut());
        }
        return 0;
    }
}
