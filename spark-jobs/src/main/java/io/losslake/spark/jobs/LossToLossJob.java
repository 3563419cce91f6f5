package io.losslake.spark.jobs;

import static org.apache.spark.sql.functions.col;

import io.losslake.scaling.fit.Chinchilla;
import io.losslake.scaling.fit.FitData;
import io.losslake.scaling.fit.Fitter;
import io.losslake.scaling.fit.LossToLoss;
import io.losslake.scaling.fit.PowerLaw;
import io.losslake.scaling.plot.Figure;
import io.losslake.scaling.plot.Plots;
import io.losslake.spark.lake.Json;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Rows;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.runtime.Version;
import java.io.PrintWriter;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Brandfonbrener et al.'s loss-to-loss law L_y = K (L_x - E_x)^kappa + E_y between two sides of a
 * table whose rows pair up (train-to-train: two datasets or modes, paired by model and data;
 * train-to-test or test-to-test: one model on two evaluation sets): the offsets from each side's
 * power law in compute or fitted with K and kappa, the error on the largest pairs held out and,
 * optionally, the x side's Chinchilla law translated to the y side.
 */
public final class LossToLossJob {
    private LossToLossJob() {
    }

    /**
     * The fitted map and how well it extrapolates.
     *
     * @param fitted    pairs the map was fitted on
     * @param heldOut   pairs held out (largest x-side compute)
     * @param meanError mean |relative error| on the held-out pairs, NaN when none
     */
    public record Result(String runId, LossToLoss.Map2 map, int fitted, int heldOut, double meanError, double maxError, Map<String, Double> parameters) {
    }

    /** Checks a request before Spark starts; one sentence on the first bad option. */
    public static void check(LossToLossRequest request) {
        UserErrors.check(request::check);
    }

    public static Result run(Lake lake, LossToLossRequest r, PrintWriter out) {
        Instant startedAt = Instant.now();
        check(r);
        String source = lake.path(r.table());
        Dataset<Row> rows = Sources.read(lake, source, "delta", true);
        List<String> needed = new ArrayList<>(r.pairBy());
        needed.addAll(List.of(r.sideColumn(), r.lossColumn(), r.flopsColumn()));
        if (r.translate()) {
            needed.addAll(List.of("params", "examples"));
        }
        List<String> order = needed.stream().distinct().toList();
        Sources.requireColumns(rows, source, order);
        rows = Sources.filter(rows, r.where(), source);
        Column[] selected = order.stream().map(c -> col(c)).toArray(Column[]::new);
        List<Row> xs = rows.where(col(r.sideColumn()).cast("string").equalTo(r.xSide())).select(selected).collectAsList();
        List<Row> ys = rows.where(col(r.sideColumn()).cast("string").equalTo(r.ySide())).select(selected).collectAsList();
        Map<List<Object>, Row> yByKey = byKey(ys, r, r.ySide());
        byKey(xs, r, r.xSide());
        int lossAt = order.indexOf(r.lossColumn());
        int flopsAt = order.indexOf(r.flopsColumn());
        List<double[]> pairs = new ArrayList<>(); // {x loss, y loss, x flops}
        for (Row x : xs) {
            Row y = yByKey.get(key(x, r));
            if (y != null && !x.isNullAt(lossAt) && !y.isNullAt(lossAt)) {
                pairs.add(new double[] {num(x, lossAt), num(y, lossAt), num(x, flopsAt)});
            }
        }
        if (pairs.size() < 3) {
            throw new UserInputException("Only " + pairs.size() + " pairs of " + r.xSide() + " and " + r.ySide() + " rows match on " + r.pairBy()
                    + "; a loss-to-loss fit needs at least 3.");
        }
        pairs.sort((a, b) -> Double.compare(a[2], b[2]));
        int held = (int) Math.floor(r.extrapolate() * pairs.size());
        List<double[]> fitPairs = pairs.subList(0, pairs.size() - held);
        List<double[]> heldPairs = pairs.subList(pairs.size() - held, pairs.size());

        double ex = Double.NaN;
        double ey = Double.NaN;
        if (r.offsets().equals("law")) {
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
        out.printf("loss-to-loss %s -> %s on %s, paired by %s: %d pairs fitted, %d held out%n", r.xSide(), r.ySide(), r.sideColumn(), r.pairBy(),
                fitPairs.size(), heldPairs.size());
        out.printf("  L_%s = %.5g (L_%s - %.5g)^%.5g + %.5g   (offsets %s)%n", r.ySide(), map.k(), r.xSide(), map.ex(), map.kappa(), map.ey(),
                r.offsets().equals("law") ? "from each side's power law" : "fitted");
        if (!heldPairs.isEmpty()) {
            out.printf("  extrapolation to the %d largest pairs: mean |rel. error| %.4f, max %.4f%n", heldPairs.size(), meanError, maxError);
        }
        if (r.translate()) {
            int nAt = order.indexOf("params");
            int dAt = order.indexOf("examples");
            double[][] nd = xs.stream().map(row -> new double[] {num(row, nAt), num(row, dAt)}).toArray(double[][]::new);
            double[] lx = xs.stream().mapToDouble(row -> num(row, lossAt)).toArray();
            Fitter.Fit law = Fitter.fit(new Chinchilla(), new FitData(nd, lx), Fitter.Options.DEFAULT);
            Map<String, Double> translated = LossToLoss.translateChinchilla(law.parameters(), map);
            out.printf("  %s Chinchilla law: %s%n  translated to %s: %s%n", r.xSide(), law.parameters(), r.ySide(), translated);
            law.parameters().forEach((k, v) -> parameters.put("x." + k, v));
            translated.forEach((k, v) -> parameters.put("translated." + k, v));
        }
        if (r.plots() != null) {
            FitJob.createFolder(r.plots());
            Figure figure = Plots.lossToLoss("loss-to-loss: " + r.xSide() + " -> " + r.ySide(), "loss (" + r.xSide() + ")", "loss (" + r.ySide() + ")",
                    fitPairs.stream().mapToDouble(p -> p[0]).toArray(), fitPairs.stream().mapToDouble(p -> p[1]).toArray(), map,
                    heldPairs.stream().mapToDouble(p -> p[0]).toArray(), heldPairs.stream().mapToDouble(p -> p[1]).toArray());
            String name = "l2l-" + (r.xSide() + "-" + r.ySide()).replaceAll("[^A-Za-z0-9.]+", "-");
            FitJob.write(r.plots(), figure, name);
            out.println("  plot: " + r.plots().resolve(name + ".png"));
        }
        String runId = RunLog.newRunId(startedAt);
        Result result = new Result(runId, map, fitPairs.size(), heldPairs.size(), meanError, maxError, parameters);
        Row fitRow = RowFactory.create(runId, source + (r.where() == null ? "" : " where " + r.where()), "loss-to-loss",
                Json.of(Map.of(r.sideColumn(), r.xSide() + " -> " + r.ySide(), "pair_by", r.pairBy())), fitPairs.size(), "ok", null,
                Rows.figures(parameters), Rows.figures(Map.of()), Rows.figures(Map.of()), null, 0, Rows.nullable(map.objective()), true,
                heldPairs.isEmpty() ? null : heldPairs.get(0)[2], Rows.nullable(meanError), Rows.nullable(maxError), Timestamp.from(Instant.now()));
        RunLog.Start start = new RunLog.Start(runId, "fit-l2l", 0, source, Json.of(r.toConfig()), startedAt);
        new RunLog(lake).record(start, false, Version.current(), () -> {
            lake.append(Tables.SCALING_FITS, Tables.SCALING_FITS_SCHEMA, List.of(fitRow));
            return result;
        }, done -> RunLog.Ending.succeeded(done.parameters()));
        out.flush();
        return result;
    }

    /** The rows of one side by pairing key; one sentence if two rows share a key (the pairing would be ambiguous). */
    private static Map<List<Object>, Row> byKey(List<Row> rows, LossToLossRequest r, String side) {
        Map<List<Object>, Row> out = new HashMap<>();
        for (Row row : rows) {
            List<Object> key = key(row, r);
            if (out.put(key, row) != null) {
                throw new UserInputException("Two " + side + " rows share the pairing key " + key + " of --pair-by " + String.join(",", r.pairBy())
                        + "; add columns to --pair-by (or narrow --where) so that each key names one row per side.");
            }
        }
        return out;
    }

    /** The pairing key: the --pair-by columns, which come first in every selected row. */
    private static List<Object> key(Row row, LossToLossRequest r) {
        List<Object> key = new ArrayList<>();
        for (int i = 0; i < r.pairBy().size(); i++) {
            key.add(row.get(i));
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
        return Fitter.fit(new PowerLaw(), new FitData(x, y), Fitter.Options.DEFAULT).parameters().get("E");
    }
}
