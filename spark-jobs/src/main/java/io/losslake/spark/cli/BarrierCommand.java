package io.losslake.spark.cli;

import io.losslake.spark.jobs.BarrierJob;
import io.losslake.spark.jobs.BarrierRequest;
import io.losslake.spark.runtime.LakeSession;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake barrier}: parses which two models to compare and hands them to {@link BarrierJob}. */
@Command(name = "barrier", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Linear-mode-connectivity barriers between two models of a federate run (Adilova et al., ICLR 2024): the whole model",
            "interpolated, each layer block alone (the other layers from the first or the second model) and the blocks added",
            "shallow-first, deep-first and in a seeded order. A barrier is the largest excess of the path's loss (or error) over",
            "the line between the two models' own values. Client models are trained again from the checkpoint before the round,",
            "bit for bit what they sent. Rows go to the barriers table; --plots draws the heat map of layer by round."})
public final class BarrierCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values.")
    Path config;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "The federate run whose models are compared (required).")
    String run;

    @Option(names = "--round", paramLabel = "R", description = "Its round. Default: its last checkpoint.")
    Integer round;

    @Option(names = "--between", paramLabel = "A,B", description = {"The two models: global, client:<id> or run:<run_id>, e.g. global,client:3 or",
        "client:3,client:7; run:<run_id> alone compares the two runs' global models (their last rounds, or --round)."})
    String between;

    @Option(names = "--on", defaultValue = "test", paramLabel = "SET", description = "Evaluation set: test or client:<id> (its examples). Default: ${DEFAULT-VALUE}.")
    String on;

    @Option(names = "--sample", defaultValue = "0", paramLabel = "N", description = "Evaluate a seeded sample of N test examples; 0: all. Default: ${DEFAULT-VALUE}.")
    int sample;

    @Option(names = "--alphas", defaultValue = "default", paramLabel = "GRID", description = {"Interpolation coefficients: default (0.1 .. 0.9),",
        "midpoint (0.5 only, as the reference code), steps:K, or a list such as 0.25,0.5,0.75. Default: ${DEFAULT-VALUE}."})
    String alphas;

    @Option(names = "--no-layers", negatable = false, description = "Skip the per-layer barriers.")
    boolean noLayers;

    @Option(names = "--cumulative", split = ",", defaultValue = "shallow,deep,random", paramLabel = "ORDERS",
            description = "Cumulative orders: shallow, deep, random, or none. Default: ${DEFAULT-VALUE}.")
    List<String> cumulative;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random order and the test sample. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--plots", paramLabel = "DIR", description = {"Write the run's barrier figures here (PNG and SVG); without --between, only",
        "draw what the barriers table holds for the run."})
    Path plots;

    @Option(names = "--resume", paramLabel = "RUN_ID", description = {"Finish a killed barrier run with its own settings: the measurement again",
        "(seeded: the same numbers), written unless the killed invocation wrote it."})
    String resume;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        BarrierRequest request = null;
        if (resume != null) {
            Resume.onlyWithLakeOptions(spec);
        } else if (run == null) {
            throw new io.losslake.spark.runtime.UserInputException("barrier needs --run RUN_ID, the federate run whose models are compared"
                    + " (or --resume RUN_ID of a killed barrier run).");
        } else {
            request = new BarrierRequest(run, round, between, on, alphas, !noLayers, cumulative, sample, seed, plots);
            BarrierJob.check(request); // before Spark starts
        }
        try (LakeSession session = sparkOptions.open("losslake barrier")) {
            if (resume != null) {
                BarrierJob.resume(sparkOptions.lake(session), resume, spec.commandLine().getOut());
            } else {
                BarrierJob.run(sparkOptions.lake(session), request, spec.commandLine().getOut());
            }
        }
        return 0;
    }
}
