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

/** {@code losslake fit-l2l}: parses which two sides of a table to map and hands them to {@link LossToLossJob}. */
@Command(name = "fit-l2l", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Fits Brandfonbrener et al.'s loss-to-loss law L_y = K (L_x - E_x)^kappa + E_y between two sides of a table:",
            "train-to-train (models trained on two datasets or modes, paired by size and data: --side-column mode --pair-by model,data_budget,step),",
            "train-to-test or test-to-test (one model, two evaluation sets: --side-column eval_set --pair-by run_key,step). E_x and E_y come from",
            "each side's own power-law fit in compute (--offsets law) or are fitted with K and kappa (--offsets fit). Reports the error",
            "on the largest pairs held out (--extrapolate-fraction) and, with --translate, the y side's Chinchilla law predicted from the x side's."})
public final class LossToLossCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values.")
    Path config;

    @Option(names = "--table", defaultValue = Tables.SWEEP_POINTS, description = "A table in the lake. Default: ${DEFAULT-VALUE}.")
    String table;

    @Option(names = "--where", paramLabel = "SQL", description = "Row filter applied to both sides, e.g. \"sweep = 'fmnist-mlp'\".")
    String where;

    @Option(names = "--side-column", required = true, description = "The column telling the two sides apart, e.g. mode or eval_set.")
    String sideColumn;

    @Option(names = "--x-side", required = true, description = "Its value on the x side (the losses predicted from).")
    String xSide;

    @Option(names = "--y-side", required = true, description = "Its value on the y side (the losses predicted).")
    String ySide;

    @Option(names = "--pair-by", split = ",", required = true, description = "Columns whose equal values pair an x row with a y row.")
    List<String> pairBy;

    @Option(names = "--loss", defaultValue = "loss", description = "Loss column. Default: ${DEFAULT-VALUE}.")
    String lossColumn;

    @Option(names = "--flops", defaultValue = "flops", description = "Compute column (for the offsets and the extrapolation order). Default: ${DEFAULT-VALUE}.")
    String flopsColumn;

    @Option(names = "--offsets", defaultValue = "law", description = "law: E_x, E_y from each side's power-law fit; fit: fitted with K and kappa. Default: ${DEFAULT-VALUE}.")
    String offsets;

    @Option(names = "--extrapolate-fraction", defaultValue = "0.2", description = "Hold out this share of the pairs with the largest x-side compute. Default: ${DEFAULT-VALUE}.")
    double extrapolate;

    @Option(names = "--translate", description = "Also fit the x side's Chinchilla law (columns params, examples) and translate it to the y side.")
    boolean translate;

    @Option(names = "--plots", paramLabel = "DIR", description = "Write the loss-to-loss figure (PNG and SVG) here.")
    Path plots;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        LossToLossRequest request = new LossToLossRequest(table, where, sideColumn, xSide, ySide, pairBy, lossColumn, flopsColumn, offsets, extrapolate,
                translate, plots);
        LossToLossJob.check(request); // before Spark starts
        try (LakeSession session = sparkOptions.open("losslake fit-l2l")) {
            LossToLossJob.run(sparkOptions.lake(session), request, spec.commandLine().getOut());
        }
        return 0;
    }
}
