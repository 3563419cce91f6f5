package io.losslake.spark.cli;

import io.losslake.scaling.fit.Forms;
import io.losslake.spark.jobs.FitJob;
import io.losslake.spark.jobs.FitRequest;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.LakeSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake fit}: parses which laws to fit to which table and hands them to {@link FitJob}. */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Fits scaling laws to a table's points (a lake table, or any Parquet, CSV or Delta path), per group of rows,",
            "with bootstrap intervals, compute-optimal allocation, an optional extrapolation check and plots; writes",
            "scaling_fits and prints a table (JSON with --json). Spark only reads and groups; the fits are plain Java."},
        modelTransformer = FitCommand.FormList.class,
        footer = {"Also isoflop: Approach 2, a parabola in log N per budget, then N_opt ~ C^a.",
            "Exit status: 0 some group fitted, 1 none did, 2 bad input (nothing written)."})
public final class FitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values.")
    Path config;

    @Option(names = "--table", defaultValue = Tables.SWEEP_POINTS, description = "A table in the lake. Default: ${DEFAULT-VALUE}.")
    String table;

    @Option(names = "--input", paramLabel = "PATH", description = "Any table path instead of --table (with --format).")
    String input;

    @Option(names = "--format", defaultValue = "delta", description = "delta, parquet or csv (for --input). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--where", paramLabel = "SQL", description = "Row filter, e.g. \"eval_set = 'test'\".")
    String where;

    @Option(names = "--form", split = ",", defaultValue = "chinchilla", description = "Forms to fit (see below), comma-separated. Default: ${DEFAULT-VALUE}.")
    List<String> forms;

    @Option(names = "--loss", defaultValue = "loss", description = "Loss column. Default: ${DEFAULT-VALUE}.")
    String lossColumn;

    @Option(names = "--flops", defaultValue = "flops", description = "Compute column C. Default: ${DEFAULT-VALUE}.")
    String flopsColumn;

    @Option(names = "--params", defaultValue = "params", description = "Model size column N. Default: ${DEFAULT-VALUE}.")
    String paramsColumn;

    @Option(names = "--examples", defaultValue = "examples", description = "Data column D. Default: ${DEFAULT-VALUE}.")
    String examplesColumn;

    @Option(names = "--budget", defaultValue = "flops", description = "isoflop: the column whose equal values make a budget. Default: ${DEFAULT-VALUE}.")
    String budgetColumn;

    @Option(names = "--group-by", split = ",", description = "Fit each group of these columns separately, e.g. mode,eval_set.")
    List<String> groupBy = new ArrayList<>();

    @Option(names = "--bootstrap", defaultValue = "200", description = "Bootstrap resamples (0: none). Default: ${DEFAULT-VALUE}.")
    int bootstrap;

    @Option(names = "--level", defaultValue = "0.95", description = "Confidence level of the intervals. Default: ${DEFAULT-VALUE}.")
    double level;

    @Option(names = "--extrapolate-fraction", defaultValue = "0", description = "Hold out this share of the largest points (by C, or N x D), refit, report their error. Default: ${DEFAULT-VALUE}.")
    double extrapolate;

    @Option(names = "--plots", paramLabel = "DIR", description = "Write PNG and SVG figures here.")
    Path plots;

    @Option(names = "--json", description = "Print the fits as JSON instead of a table.")
    boolean json;

    @Option(names = "--seed", defaultValue = "42", description = "Bootstrap seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        FitRequest request = new FitRequest(table, input, format, where, forms, lossColumn, flopsColumn, paramsColumn, examplesColumn, budgetColumn,
                groupBy, bootstrap, level, extrapolate, plots, json, seed);
        FitJob.check(request); // before Spark starts
        try (LakeSession session = sparkOptions.open("losslake fit")) {
            List<FitJob.Result> results = FitJob.run(sparkOptions.lake(session), request, spec.commandLine().getOut());
            return results.stream().anyMatch(FitJob.Result::ok) ? 0 : 1;
        }
    }

    /** Lists the law forms in the help footer. */
    public static final class FormList implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            ExtensionOptions.add(spec, Forms.catalog(), "Forms:");
            return spec;
        }
    }
}
