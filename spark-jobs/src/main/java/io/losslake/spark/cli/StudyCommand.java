package io.losslake.spark.cli;

import io.losslake.spark.jobs.StudyJob;
import io.losslake.spark.runtime.LakeSession;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake study}: reads an IsoFLOP sweep's final points as the scaling-law papers do, through {@link StudyJob}. */
@Command(name = "study", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Reads an IsoFLOP sweep (design: isoflop) the ways the scaling-law papers read theirs, per training setting",
            "(mode, plan, strategy), with the largest compute budget held out: Approach 3 (L = E + A/N^alpha + B/D^beta over",
            "every run, bootstrap intervals), Approach 2 (a parabola in log N per budget, N_opt(C) and D_opt(C) as power laws,",
            "seed-bootstrap intervals) and the loss frontier L_opt(C) = k C^c; how well each predicts the held-out budget; and",
            "how federated exponents differ from centralised ones. Says in words where the runs do not determine a quantity.",
            "Writes scaling_fits (forms chinchilla and isoflop)."},
        footer = {"Exit status: 0 some setting studied, 1 none could be, 2 bad input (nothing written)."})
public final class StudyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values.")
    Path config;

    @Option(names = "--sweep", required = true, paramLabel = "NAME", description = "The sweep's name (its file's name: key), or several, comma-separated, to study their settings side by side.")
    String sweep;

    @Option(names = "--eval-set", defaultValue = "test", description = "Which loss: an eval set of the sweep, or train. Default: ${DEFAULT-VALUE}.")
    String evalSet;

    @Option(names = "--where", paramLabel = "SQL", description = "A further row filter, e.g. \"flop_budget <= 1e11\".")
    String where;

    @Option(names = "--hold-out", defaultValue = "largest", paramLabel = "largest|none",
            description = "Hold the largest budget out of every fit and predict it. Default: ${DEFAULT-VALUE}.")
    String holdOut;

    @Option(names = "--bootstrap", defaultValue = "200", description = "Resamples for every interval (0: none). Default: ${DEFAULT-VALUE}.")
    int bootstrap;

    @Option(names = "--level", defaultValue = "0.95", description = "Confidence level of the intervals. Default: ${DEFAULT-VALUE}.")
    double level;

    @Option(names = "--seed", defaultValue = "42", description = "Bootstrap seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--plots", paramLabel = "DIR", description = "Write IsoFLOP profiles and frontiers (PNG and SVG) here.")
    Path plots;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        String h = holdOut.toLowerCase(Locale.ROOT);
        if (!h.equals("largest") && !h.equals("none")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Invalid --hold-out '" + holdOut + "': expected largest or none.");
        }
        StudyJob.Request request = new StudyJob.Request(sweep, evalSet, where, h.equals("largest"), bootstrap, level, seed, plots);
        StudyJob.check(request); // before Spark starts
        try (LakeSession session = sparkOptions.open("losslake study " + sweep)) {
            return StudyJob.run(sparkOptions.lake(session), request, spec.commandLine().getOut()).isEmpty() ? 1 : 0;
        }
    }
}
