package io.losslake.spark.cli;

import io.losslake.federated.strategy.Strategies;
import io.losslake.spark.jobs.FederateJob;
import io.losslake.spark.jobs.FederateRequest;
import io.losslake.spark.runtime.LakeSession;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake federate}: parses a federated run's options and hands them to {@link FederateJob}. */
@Command(name = "federate", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = FederateOptions.StrategyFlags.class,
        description = {
            "Runs federated rounds over a partition plan prepared in the lake ('losslake prepare'): each round samples",
            "clients (seeded), trains them in Spark tasks, aggregates with the strategy on the driver and writes",
            "round_metrics, client_metrics, client_state and a checkpoint. A killed run continues with --resume RUN_ID and",
            "ends with exactly the metrics an uninterrupted run would have."},
        footer = {"Exit status: 0 done, 1 failed, 2 bad input (nothing written)."})
public final class FederateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values, e.g. conf/federate/fmnist-dirichlet.yaml.")
    Path config;

    @Mixin
    FederateOptions options;

    @Option(names = "--strategy", defaultValue = "fedavg", description = "Aggregation strategy (see below). Default: ${DEFAULT-VALUE}.")
    String strategy;

    @Option(names = "--seed", defaultValue = "42", description = "Run seed: sampling, dropouts, initial weights, batch order. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--resume", paramLabel = "RUN_ID", description = "Continue a killed run from its last checkpoint, with its own settings.")
    String resume;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        if (resume != null) {
            Resume.onlyWithLakeOptions(spec); // a resumed run keeps its stored settings; an option beside --resume would be ignored
        }
        FederateRequest request = resume == null ? options.toRequest(strategy, ExtensionOptions.given(spec, Strategies.catalog()), seed) : null;
        if (request != null) {
            FederateJob.check(request); // before Spark starts
        }
        try (LakeSession session = sparkOptions.open("losslake federate")) {
            var lake = sparkOptions.lake(session);
            if (resume != null) {
                FederateJob.resume(lake, resume, spec.commandLine().getOut());
            } else {
                FederateJob.run(lake, request, spec.commandLine().getOut());
            }
        }
        return 0;
    }
}
