package io.losslake.spark.cli;

import io.losslake.federated.strategy.Strategies;
import io.losslake.spark.jobs.CompareJob;
import io.losslake.spark.jobs.CompareRequest;
import io.losslake.spark.runtime.LakeSession;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake compare}: parses a federated setting, strategies and seeds, and hands them to {@link CompareJob}. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = FederateOptions.StrategyFlags.class,
        description = {
            "Runs 'federate' once per strategy and seed (each run lands in the lake under its own run_id) and prints",
            "the mean and standard deviation over seeds of each strategy's best and final test accuracy.",
            "Every federate option applies to every run; strategy options (--mu, --margin-lambda, ...) go only to the",
            "strategies that take them."},
        footer = {"", "Example: losslake compare --strategies fedavg,fedprox,fedld --seeds 1,2,3 --federate-config conf/experiments/noniid-dir0.1.yaml"})
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--strategies", split = ",", required = true, description = "Strategies to compare, e.g. fedavg,fedprox,fedld.")
    List<String> strategies;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "Seeds of each strategy's runs. Default: ${DEFAULT-VALUE}.")
    List<Long> seeds;

    @Option(names = {"--federate-config", "--config"}, paramLabel = "FILE",
            description = "A YAML file of federate options (keys are option names) applied to every run; flags override it.")
    Path config;

    @Mixin
    FederateOptions options;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        CompareRequest request = new CompareRequest(strategies, seeds,
                options.toRequest(strategies.get(0), ExtensionOptions.given(spec, Strategies.catalog()), seeds.get(0)));
        CompareJob.check(request); // before Spark starts
        // one Spark session for every run
        try (LakeSession session = sparkOptions.open("losslake compare")) {
            CompareJob.run(sparkOptions.lake(session), request, spec.commandLine().getOut());
        }
        return 0;
    }
}
