package io.losslake.spark.cli;

import static org.apache.spark.sql.functions.col;

import io.losslake.scaling.fit.FitData;
import io.losslake.scaling.fit.Fitter;
import io.losslake.scaling.fit.Forms;
import io.losslake.scaling.fit.LossToLoss;
import io.losslake.scaling.plot.Figure;
import io.losslake.scaling.plot.Plots;
import io.losslake.scaling.plot.Render;
import io.losslake.spark.LakeSession;
import io.losslake.spark.Version;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake fit-l2l}: loss-to-loss maps between two kinds of loss of the same (or paired) models. */
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
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Instant startedAt = Instant.now();
        if (!offsets.equals("law") && !offsets.equals("fit")) {
            throw new UserInputException("Invalid --offsets '" + offsets + "': expected law or fit.");
        }
        if (!(extrapolate >= 0 && extrapolate < 1)) {
            throw new UserInputException("Invalid --extrapolate-fraction " + extrapolate + ": expected a fraction in [0, 1).");
        }
        try (LakeSession session = LakeSession.open("losslake fit-l2l", sparkOptions)) {
            Lake lake = new Lake(session.spark(), session.qualifyLake(sparkOptions.lake()));
            String source = lake.path(table);
            Dataset<Row> rows;
            try {
                rows = session.spark().read().format("delta").load(source);
            } catch (Exception e) {
                throw new UserInputException(source + " is not a readable Delta table: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ".", e);
            }
            List<String> needed = new ArrayList<>(pairBy);
            needed.addAll(List.of(sideColumn, lossColumn, flopsColumn));
            if (translate) {
                needed.addAll(List.of("params", "examples"));
            }
            List<String> columns = Arrays.asList(rows.columns());
            for (String c : needed) {
                if (!columns.contains(c)) {
                    throw new UserInputException(source + " has no column '" + c + "'; its columns are " + String.join(", ", columns) + ".");
                }
            }
            if (where != null) {
                try {
                    rows = rows.where(where);
                    rows.schema();
                } catch (Exception e) {
                    throw new UserInputException("--where \"" + where + "\" is not a valid filter: " + e.getMessage().lines().findFirst().orElse("") + ".", e);
                }
            }
            List<String> order = needed.stream().distinct().toList();
            List<Row> xs = rows.where(col(sideColumn).cast("string").equalTo(xSide)).select(order.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new)).collectAsList();
            List<Row> ys = rows.where(col(sideColumn).cast("string").equalTo(ySide)).select(order.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new)).collectAsList();
            Map<List<Object>, Row> yByKey = new HashMap<>();
            for (Row r : ys) {
                yByKey.put(key(r), r);
            }
            int lossAt = order.indexOf(lossColumn);
            int flopsAt = order.indexOf(flopsColumn);
            List<double[]> pairs = new ArrayList<>(); // {x loss, y loss, x flops}
            for (Row x : xs) {
                Row y = yByKey.get(key(x));
                if (y != null && !x.isNullAt(lossAt) && !y.isNullAt(lossAt)) {
                    pairs.add(new double[] {num(x, lossAt), num(y, lossAt), num(x, flopsAt)});
                }
            }
            if (pairs.size() < 3) {
                throw new UserInputException("Only " + pairs.size() + " pairs of " + xSide + " and " + ySide + " rows match on " + pairBy
                        + "; a loss-to-loss fit needs at least 3.");
            }
            pairs.sort((a, b) -> Double.compare(a[2], b[2]));
            int held = (int) Math.floor(extrapolate * pairs.size());
            List<double[]> fitPairs = pairs.subList(0, pairs.size() - held);
            List<double[]> heldPairs = pairs.subList(pairs.size() - held, pairs.size());

            double ex = Double.NaN;
            double ey = Double.NaN;
            if (offsets.equals("law")) {
                ex = powerLawE(xs, lossAt, flopsAt);
                ey = powerLawE(ys, lossAt, flopsAt);
                double minX = fitPairs.stream().mapToDouble(p -> p[0]).min().orElseThrow();
                double minY = fitPairs.stream().mapToDouble(p -> p[1]).min().orElseThrow();
                ex = Math.min(ex, minX * 0.999);
                ey = Math.min(ey, minY * 0.999);
            }
            LossToLoss.Map2 map;
            try {
                map = LossToLoss.fit(fitPairs.stream().mapToDouble(p -> p[0]).toArray(), fitPairs.stream().mapToDouble(p -> p[1]).toArray(), ex, ey,
                        Fitter.Options.DEFAULT);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            double meanError = Double.NaN;
            double maxError = Double.NaN;
            if (!heldPairs.isEmpty()) {
                double sum = 0;
                double max = 0;
                for (double[] p : heldPairs) {
                    double err = Math.abs(map.predict(p[0]) - p[1]) / p[1];
                    sum += err;
                    max = Math.max(max, err);
                }
                meanError = sum / heldPairs.size();
                maxError = max;
            }
            Map<String, Double> parameters = new LinkedHashMap<>(map.parameters());
            out.printf("loss-to-loss %s -> %s on %s, paired by %s: %d pairs fitted, %d held out%n", xSide, ySide, sideColumn, pairBy, fitPairs.size(),
                    heldPairs.size());
            out.printf("  L_%s = %.5g (L_%s - %.5g)^%.5g + %.5g   (offsets %s)%n", ySide, map.k(), xSide, map.ex(), map.kappa(), map.ey(),
                    offsets.equals("law") ? "from each side's power law" : "fitted");
            if (!heldPairs.isEmpty()) {
                out.printf("  extrapolation to the %d largest pairs: mean |rel. error| %.4f, max %.4f%n", heldPairs.size(), meanError, maxError);
            }
            if (translate) {
                int nAt = order.indexOf("params");
                int dAt = order.indexOf("examples");
                double[][] nd = xs.stream().map(r -> new double[] {num(r, nAt), num(r, dAt)}).toArray(double[][]::new);
                double[] lx = xs.stream().mapToDouble(r -> num(r, lossAt)).toArray();
                Fitter.Fit law = Fitter.fit(new Forms.Chinchilla(), new FitData(nd, lx), Fitter.Options.DEFAULT);
                Map<String, Double> translated = LossToLoss.translateChinchilla(law.parameters(), map);
                out.printf("  %s Chinchilla law: %s%n  translated to %s: %s%n", xSide, law.parameters(), ySide, translated);
                law.parameters().forEach((k, v) -> parameters.put("x." + k, v));
                translated.forEach((k, v) -> parameters.put("translated." + k, v));
            }
            if (plots != null) {
                Files.createDirectories(plots);
                Figure figure = Plots.lossToLoss("loss-to-loss: " + xSide + " -> " + ySide, "loss (" + xSide + ")", "loss (" + ySide + ")",
                        fitPairs.stream().mapToDouble(p -> p[0]).toArray(), fitPairs.stream().mapToDouble(p -> p[1]).toArray(), map,
                        heldPairs.stream().mapToDouble(p -> p[0]).toArray(), heldPairs.stream().mapToDouble(p -> p[1]).toArray());
                String name = "l2l-" + (xSide + "-" + ySide).replaceAll("[^A-Za-z0-9.]+", "-");
                try (OutputStream png = Files.newOutputStream(plots.resolve(name + ".png"));
                     OutputStream svg = Files.newOutputStream(plots.resolve(name + ".svg"))) {
                    Render.writePng(figure, png);
                    Render.writeSvg(figure, svg);
                }
                out.println("  plot: " + plots.resolve(name + ".png"));
            }
            String runId = RunLog.newRunId(startedAt);
            RunLog runs = new RunLog(lake);
            runs.start(new RunLog.Start(runId, "fit-l2l", 0, source, Json.options(spec), startedAt), Version.current());
            lake.append(Tables.SCALING_FITS, Tables.SCALING_FITS_SCHEMA, List.of(RowFactory.create(runId,
                    source + (where == null ? "" : " where " + where), "loss-to-loss",
                    Json.of(Map.of(sideColumn, xSide + " -> " + ySide, "pair_by", pairBy)), fitPairs.size(), "ok", null,
                    FitCommand.scala(parameters), FitCommand.scala(Map.of()), FitCommand.scala(Map.of()), null, 0, map.objective(), true,
                    heldPairs.isEmpty() ? null : heldPairs.get(0)[2], FitCommand.nan(meanError), FitCommand.nan(maxError),
                    Timestamp.from(Instant.now()))));
            runs.finish(runId, RunLog.SUCCEEDED, Instant.now(), (Instant.now().toEpochMilli() - startedAt.toEpochMilli()) / 1000.0,
                    Json.of(parameters), null);
            out.flush();
        }
        return 0;
    }

    /** The pairing key: the --pair-by columns, which come first in every selected row. */
    private List<Object> key(Row r) {
        List<Object> key = new ArrayList<>();
        for (int i = 0; i < pairBy.size(); i++) {
            key.add(r.get(i));
        }
        return key;
    }

    private static double num(Row r, int i) {
        return ((Number) r.get(i)).doubleValue();
    }

    /** E of a power-law fit of loss against compute over one side's rows. */
    private static double powerLawE(List<Row> rows, int lossAt, int flopsAt) {
        List<Row> usable = rows.stream().filter(r -> !r.isNullAt(lossAt) && !r.isNullAt(flopsAt)).toList();
        double[][] x = usable.stream().map(r -> new double[] {num(r, flopsAt)}).toArray(double[][]::new);
        double[] y = usable.stream().mapToDouble(r -> num(r, lossAt)).toArray();
        return Fitter.fit(new Forms.PowerLaw(), new FitData(x, y), Fitter.Options.DEFAULT).parameters().get("E");
    }
}
