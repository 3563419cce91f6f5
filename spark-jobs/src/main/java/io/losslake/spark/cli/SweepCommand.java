package io.losslake.spark.cli;

import io.losslake.spark.runtime.LakeSession;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.sweep.SweepJob;
import io.losslake.spark.sweep.SweepSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake sweep}: reads a sweep file and hands it to {@link SweepJob}. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {
            "Trains every point of a grid (model x data budget x mode x seed, from a YAML file such as conf/sweeps/fmnist-mlp.yaml)",
            "and records, at log-spaced checkpoints of each run, the training loss and the losses on several evaluation sets",
            "with exact N (parameters), D (examples seen) and C (FLOPs) into sweep_points. Centralised runs are Spark tasks and",
            "federated runs federated jobs, as many runs at once as there are task slots. Runs already in sweep_points are skipped,",
            "so a stopped sweep continues where it was."})
public final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The sweep's YAML file.")
    Path config;

    @Option(names = "--commit-every", paramLabel = "SECONDS", defaultValue = "10", description = {
        "Commit finished runs' points to sweep_points together at most this often, and at the end; 0: each run as it",
        "finishes. A killed sweep, run again, redoes only the runs not committed. Default: ${DEFAULT-VALUE}."})
    double commitEvery;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        if (!(commitEvery >= 0) || Double.isInfinite(commitEvery)) {
            throw new UserInputException("Invalid --commit-every " + commitEvery + ": expected 0 or more seconds.");
        }
        SweepSpec sweep;
        try {
            sweep = SweepSpec.load(config);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        try (LakeSession session = sparkOptions.open("losslake sweep " + sweep.name())) {
            SweepJob.run(sparkOptions.lake(session), sweep, config, commitEvery, spec.commandLine().getOut());
        }
        return 0;
    }
}
