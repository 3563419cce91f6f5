package io.losslake.spark.cli;

import io.losslake.spark.jobs.LossToLossJob;
import io.losslake.spark.jobs.LossToLossRequest;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.LakeSession;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake fit-l2l}: parses which sides of a table to map and hands them to {@link LossToLossJob}. */
@Command(name = "fit-l2l", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Fits Brandfonbrener et al.'s loss-to-loss law L_y = K (L_x - E_x)^kappa + E_y between sides of a table, as the paper does:",
            "train-to-train (models trained on two datasets or modes, paired by size and data: --side-column mode --pair-by model,data_budget,step),",
            "train-to-test or test-to-test (one model, two evaluation sets: --side-column eval_set --pair-by run_key,step).",
            "E_x and E_y come from each side's own law in N and D (--offsets kaplan, the paper's; or chinchilla), in compute (law),",
            "or are fitted with K and kappa (fit); side laws see only rows outside the held-out set. The held-out pairs",
            "(--holdout-where, or the share of the largest compute, --extrapolate-fraction) are predicted, each with its error.",
            "Lists of sides (or all) fit every ordered pair and print the matrix of kappa, K and errors.",
            "Exit status: 0 fitted, 2 bad input (nothing written)."})
public final class LossToLossCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values.")
    Path config;

    @Option(names = "--table", defaultValue = Tables.SWEEP_POINTS, description = "A table in the lake. Default: ${DEFAULT-VALUE}.")
    String table;

    @Option(names = "--input", paramLabel = "PATH", description = "Any table path instead of --table (with --format).")
    String input;

    @Option(names = "--format", defaultValue = "delta", description = "delta, parquet or csv (with a header row; for --input). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--where", paramLabel = "SQL", description = "Row filter applied to every side, e.g. \"sweep = 'fmnist-mlp'\".")
    String where;

    @Option(names = "--side-column", required = true, description = "The column telling the sides apart, e.g. mode, eval_set or dataset.")
    String sideColumn;

    @Option(names = "--x-side", required = true, split = ",", paramLabel = "SIDE",
            description = "Its value(s) on the x side (the losses predicted from), or all.")
    List<String> xSide;

    @Option(names = "--y-side", required = true, split = ",", paramLabel = "SIDE",
            description = "Its value(s) on the y side (the losses predicted), or all. Every ordered pair of distinct sides is fitted.")
    List<String> ySide;

    @Option(names = "--pair-by", split = ",", required = true, description = "Columns whose equal values pair an x row with a y row.")
    List<String> pairBy;

    @Option(names = "--loss", defaultValue = "loss", description = "Loss column. Default: ${DEFAULT-VALUE}.")
    String lossColumn;

    @Option(names = "--flops", defaultValue = "flops",
            description = "Compute column (for --offsets law and the order of --extrapolate-fraction). Default: ${DEFAULT-VALUE}.")
    String flopsColumn;

    @Option(names = "--params", defaultValue = "params", description = "N column (for --offsets kaplan or chinchilla, --translate). Default: ${DEFAULT-VALUE}.")
    String paramsColumn;

    @Option(names = "--examples", defaultValue = "examples", description = "D column (likewise). Default: ${DEFAULT-VALUE}.")
    String examplesColumn;

    @Option(names = "--offsets", defaultValue = "kaplan",
            description = "kaplan: E_x, E_y from each side's L = E + [(A/N)^(alpha/beta) + B/D]^beta, as the paper; chinchilla: from E + A/N^alpha + B/D^beta;"
                    + " law: from E + A C^-alpha; fit: fitted with K and kappa. Default: ${DEFAULT-VALUE}.")
    String offsets;

    @Option(names = "--holdout-where", paramLabel = "SQL",
            description = "Rows held out for extrapolation, e.g. \"params >= 1e6\"; a pair is held out when either of its rows is.")
    String holdoutWhere;

    @Option(names = "--extrapolate-fraction", paramLabel = "F",
            description = "Instead, hold out this share of the pairs with the largest x-side compute. Default: 0.2 without --holdout-where.")
    Double extrapolate;

    @Option(names = "--translate", description = "Also fit the x side's Chinchilla law (--params, --examples) and translate it to the y side.")
    boolean translate;

    @Option(names = "--plots", paramLabel = "DIR", description = "Write the loss-to-loss figures (PNG and SVG) here, and the matrices for several sides.")
    Path plots;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        LossToLossRequest request = new LossToLossRequest(table, input, format, where, sideColumn, xSide, ySide, pairBy, lossColumn, flopsColumn,
                paramsColumn, examplesColumn, offsets, extrapolate, holdoutWhere, translate, plots);
        LossToLossJob.check(request); // before Spark starts
        try (LakeSession session = sparkOptions.open("losslake fit-l2l")) {
            LossToLossJob.run(sparkOptions.lake(session), request, spec.commandLine().getOut());
        }
        return 0;
    }
}
