package io.losslake.spark.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.losslake.scaling.fit.Chinchilla;
import io.losslake.scaling.fit.FitData;
import io.losslake.scaling.fit.Fitter;
import io.losslake.scaling.fit.LossToLoss;
import io.losslake.scaling.fit.LossToLossStudy;
import io.losslake.scaling.plot.Figure;
import io.losslake.scaling.plot.HeatMap;
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
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Brandfonbrener et al.'s loss-to-loss law L_y = K (L_x - E_x)^kappa + E_y between sides of a
 * table whose rows pair up (train-to-train: two datasets or modes, paired by model and data;
 * train-to-test or test-to-test: one model on two evaluation sets, paired by run and step), for one
 * pair of sides or every ordered pair of several. Spark reads, filters and marks the held-out rows;
 * {@link LossToLossStudy} pairs, holds out, fits each side's law and the map, and predicts. Results
 * go to {@code scaling_fits} (one row per pair of sides), the printed report and plots.
 */
public final class LossToLossJob {
    private LossToLossJob() {
    }

    /**
     * One ordered pair of sides.
     *
     * @param study   the study, null when the pair could not be fitted
     * @param message why it could not, else null
     */
    public record PairResult(String xSide, String ySide, LossToLossStudy.Result study, String message) {
        public boolean ok() {
            return study != null;
        }
    }

    /**
     * Every pair of sides fitted.
     *
     * @param translated per pair, the x side's Chinchilla law translated to the y side (with --translate)
     */
    public record Result(String runId, List<PairResult> pairs, Map<String, Map<String, Double>> translated) {
    }

    /** Checks a request before Spark starts; one sentence on the first bad option. */
    public static void check(LossToLossRequest request) {
        UserErrors.check(request::check);
    }

    public static Result run(Lake lake, LossToLossRequest r, PrintWriter out) {
        Instant startedAt = Instant.now();
        check(r);
        LossToLossStudy.Offsets offsets = r.offsetsKind();
        boolean needFlops = offsets == LossToLossStudy.Offsets.LAW || r.fraction() > 0;
        String source = r.input() != null ? r.input() : lake.path(r.table());
        Dataset<Row> rows = Sources.read(lake, source, r.input() == null ? "delta" : r.format(), r.input() == null);
        List<String> needed = new ArrayList<>(r.pairBy());
        needed.add(r.sideColumn());
        needed.add(r.lossColumn());
        if (needFlops) {
            needed.add(r.flopsColumn());
        }
        if (r.needsSizeAndData()) {
            needed.add(r.paramsColumn());
            needed.add(r.examplesColumn());
        }
        List<String> order = needed.stream().distinct().toList();
        requireColumns(rows, source, order, r);
        rows = Sources.filter(rows, r.where(), source);
        Column held = lit(false);
        if (r.holdoutWhere() != null) {
            try {
                held = coalesce(expr(r.holdoutWhere()).cast("boolean"), lit(false));
                rows.select(held).schema();
            } catch (Exception e) {
                throw new UserInputException("--holdout-where \"" + r.holdoutWhere() + "\" is not a valid condition on " + source + ": "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ".", e);
            }
        }
        List<String> values = rows.select(col(r.sideColumn()).cast("string")).distinct().collectAsList().stream()
                .filter(row -> !row.isNullAt(0)).map(row -> row.getString(0)).sorted().toList();
        if (values.isEmpty()) {
            throw new UserInputException(source + " has no rows" + (r.where() == null ? "" : " matching --where \"" + r.where() + "\"") + ".");
        }
        List<String> xSides = sides(r.xSides(), values, "--x-side", r.sideColumn());
        List<String> ySides = sides(r.ySides(), values, "--y-side", r.sideColumn());
        List<String> used = new ArrayList<>(xSides);
        ySides.stream().filter(s -> !used.contains(s)).forEach(used::add);

        List<Column> selected = new ArrayList<>(order.stream().map(c -> c.equals(r.sideColumn()) ? col(c).cast("string") : col(c)).toList());
        selected.add(held);
        // in one order whatever the files' order, as in FitJob: the bootstrap resamples points by index
        List<Row> collected = rows.where(col(r.sideColumn()).cast("string").isin(used.toArray())).select(selected.toArray(Column[]::new))
                .orderBy(selected.toArray(Column[]::new)).collectAsList();
        Map<String, List<LossToLossStudy.Point>> bySide = new LinkedHashMap<>();
        used.forEach(s -> bySide.put(s, new ArrayList<>()));
        int sideAt = order.indexOf(r.sideColumn());
        int heldAt = order.size();
        Map<String, Integer> bad = new TreeMap<>();
        for (Row row : collected) {
            List<Object> key = new ArrayList<>();
            for (int i = 0; i < r.pairBy().size(); i++) {
                key.add(row.get(i));
            }
            double loss = number(row, order.indexOf(r.lossColumn()), r.lossColumn(), bad);
            double flops = needFlops ? number(row, order.indexOf(r.flopsColumn()), r.flopsColumn(), bad) : Double.NaN;
            double n = r.needsSizeAndData() ? number(row, order.indexOf(r.paramsColumn()), r.paramsColumn(), bad) : Double.NaN;
            double d = r.needsSizeAndData() ? number(row, order.indexOf(r.examplesColumn()), r.examplesColumn(), bad) : Double.NaN;
            bySide.get(row.getString(sideAt)).add(new LossToLossStudy.Point(key, loss, flops, n, d, row.getBoolean(heldAt)));
        }
        if (!bad.isEmpty()) {
            Map.Entry<String, Integer> first = bad.entrySet().iterator().next();
            throw new UserInputException("Column '" + first.getKey() + "' of " + source + " has " + first.getValue()
                    + " missing, non-positive or infinite values on the fitted sides; losses, C, N and D must be positive numbers.");
        }
        bySide.forEach((side, points) -> requireUniqueKeys(points, side, r));
        if (r.holdoutWhere() != null && bySide.values().stream().flatMap(List::stream).noneMatch(LossToLossStudy.Point::heldOut)) {
            throw new UserInputException("--holdout-where \"" + r.holdoutWhere() + "\" names none of the rows of the fitted sides; the held-out set is empty.");
        }

        LossToLossStudy.Options options = new LossToLossStudy.Options(offsets, r.fraction(), Fitter.Options.DEFAULT);
        boolean single = xSides.size() == 1 && ySides.size() == 1;
        List<PairResult> results = new ArrayList<>();
        Map<List<LossToLossStudy.Point>, Map<String, Double>> laws = new HashMap<>();
        for (String x : xSides) {
            for (String y : ySides) {
                if (x.equals(y)) {
                    continue;
                }
                try {
                    results.add(new PairResult(x, y, LossToLossStudy.fit(bySide.get(x), bySide.get(y), options, laws), null));
                } catch (IllegalArgumentException e) {
                    String message = x + " -> " + y + ": " + e.getMessage();
                    if (single) {
                        throw new UserInputException(message, e);
                    }
                    results.add(new PairResult(x, y, null, e.getMessage()));
                }
            }
        }
        if (results.isEmpty()) {
            throw new UserInputException("--x-side and --y-side name the one side " + xSides.get(0) + " of column '" + r.sideColumn()
                    + "'; a loss-to-loss fit maps one side to another.");
        }
        if (results.stream().noneMatch(PairResult::ok)) {
            PairResult f = results.get(0);
            throw new UserInputException("No pair of sides could be fitted; " + f.xSide() + " -> " + f.ySide() + ": " + f.message());
        }
        Map<String, Map<String, Double>> translated = new LinkedHashMap<>();
        Map<String, Map<String, Double>> xChinchilla = new LinkedHashMap<>();
        if (r.translate()) {
            for (PairResult p : results) {
                if (p.ok()) {
                    Map<String, Double> law = offsets == LossToLossStudy.Offsets.CHINCHILLA ? p.study().xLaw() : chinchilla(p.study().xLawRows());
                    xChinchilla.put(p.xSide() + " -> " + p.ySide(), law);
                    translated.put(p.xSide() + " -> " + p.ySide(), LossToLoss.translateChinchilla(law, p.study().map()));
                }
            }
        }

        for (PairResult p : results) {
            print(out, r, p, translated.get(p.xSide() + " -> " + p.ySide()), xChinchilla.get(p.xSide() + " -> " + p.ySide()));
        }
        if (!single) {
            printMatrices(out, xSides, ySides, results);
        }
        if (r.plots() != null) {
            FitJob.createFolder(r.plots());
            for (PairResult p : results) {
                if (p.ok()) {
                    FitJob.write(r.plots(), figure(p, bySide), "l2l-" + clean(p.xSide() + "-" + p.ySide()));
                }
            }
            if (!single) {
                FitJob.write(r.plots(), matrix(xSides, ySides, results, "kappa"), "l2l-matrix-kappa");
                FitJob.write(r.plots(), matrix(xSides, ySides, results, "error"), "l2l-matrix-error");
            }
            out.println("plots: " + r.plots());
        }

        String runId = RunLog.newRunId(startedAt);
        Result result = new Result(runId, List.copyOf(results), translated);
        List<Row> written = new ArrayList<>();
        for (PairResult p : results) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put(r.sideColumn(), p.xSide() + " -> " + p.ySide());
            group.put("pair_by", r.pairBy());
            group.put("offsets", offsets.spelling());
            String from = source + (r.where() == null ? "" : " where " + r.where());
            if (!p.ok()) {
                written.add(RowFactory.create(runId, from, "loss-to-loss", Json.of(group), 0, "failed", p.message(), Rows.figures(Map.of()),
                        Rows.figures(Map.of()), Rows.figures(Map.of()), null, 0, null, false, null, null, null, Timestamp.from(Instant.now())));
                continue;
            }
            LossToLossStudy.Result s = p.study();
            Map<String, Double> parameters = new LinkedHashMap<>(s.map().parameters());
            s.xLaw().forEach((k, v) -> parameters.put("x." + offsets.spelling() + "." + k, v));
            s.yLaw().forEach((k, v) -> parameters.put("y." + offsets.spelling() + "." + k, v));
            String key = p.xSide() + " -> " + p.ySide();
            if (translated.containsKey(key)) {
                xChinchilla.get(key).forEach((k, v) -> parameters.put("x.chinchilla." + k, v));
                translated.get(key).forEach((k, v) -> parameters.put("translated." + k, v));
            }
            Double cutoff = s.heldOut().isEmpty() || !needFlops ? null : cutoff(s, bySide.get(p.xSide()));
            written.add(RowFactory.create(runId, from, "loss-to-loss", Json.of(group), s.fitted(), "ok", null, Rows.figures(parameters),
                    Rows.figures(Map.of()), Rows.figures(Map.of()), null, 0, Rows.nullable(s.map().objective()), true, cutoff,
                    Rows.nullable(s.meanError()), Rows.nullable(s.maxError()), Timestamp.from(Instant.now())));
        }
        long ok = results.stream().filter(PairResult::ok).count();
        RunLog.Start start = new RunLog.Start(runId, "fit-l2l", 0, source, Json.of(r.toConfig()), startedAt);
        new RunLog(lake).record(start, false, Version.current(), () -> {
            lake.append(Tables.SCALING_FITS, Tables.SCALING_FITS_SCHEMA, written);
            return result;
        }, done -> RunLog.Ending.succeeded(Map.of("pairs", results.size(), "ok", ok)));
        out.flush();
        return result;
    }

    /** The named sides, or every value for {@code all}; one sentence for a value the column does not hold. */
    private static List<String> sides(List<String> named, List<String> values, String option, String column) {
        if (named.size() == 1 && named.get(0).equals(LossToLossRequest.ALL)) {
            return values;
        }
        for (String s : named) {
            if (!values.contains(s)) {
                throw new UserInputException(option + " '" + s + "' names no row of column '" + column + "'; its values are "
                        + String.join(", ", values) + ".");
            }
        }
        return named.stream().distinct().toList();
    }

    private static void requireColumns(Dataset<Row> rows, String source, List<String> order, LossToLossRequest r) {
        try {
            Sources.requireColumns(rows, source, order);
        } catch (UserInputException e) {
            boolean sizeColumn = order.indexOf(r.paramsColumn()) >= 0 && !List.of(rows.columns()).contains(r.paramsColumn())
                    || order.indexOf(r.examplesColumn()) >= 0 && !List.of(rows.columns()).contains(r.examplesColumn());
            if (sizeColumn && !r.translate()) {
                throw new UserInputException(e.getMessage().replaceAll("\\.$", "") + " (--offsets " + r.offsets()
                        + " fits each side's law in N and D: name them with --params and --examples, or use --offsets law or fit).", e);
            }
            throw e;
        }
    }

    private static double number(Row row, int i, String column, Map<String, Integer> bad) {
        Object v = row.get(i);
        double d = v instanceof Number number ? number.doubleValue() : Double.NaN;
        if (!(d > 0) || Double.isInfinite(d)) {
            bad.merge(column, 1, Integer::sum);
        }
        return d;
    }

    /** One sentence if two rows of a side share a pairing key (the pairing would be ambiguous). */
    private static void requireUniqueKeys(List<LossToLossStudy.Point> points, String side, LossToLossRequest r) {
        Map<List<Object>, Boolean> seen = new HashMap<>();
        for (LossToLossStudy.Point p : points) {
            if (seen.put(p.key(), true) != null) {
                throw new UserInputException("Two " + side + " rows share the pairing key " + p.key() + " of --pair-by " + String.join(",", r.pairBy())
                        + "; add columns to --pair-by (or narrow --where) so that each key names one row per side.");
            }
        }
    }

    private static Map<String, Double> chinchilla(List<LossToLossStudy.Point> rows) {
        double[][] nd = rows.stream().map(p -> new double[] {p.n(), p.d()}).toArray(double[][]::new);
        double[] loss = rows.stream().mapToDouble(LossToLossStudy.Point::loss).toArray();
        return Fitter.fit(new Chinchilla(), new FitData(nd, loss), Fitter.Options.DEFAULT).parameters();
    }

    private static double cutoff(LossToLossStudy.Result s, List<LossToLossStudy.Point> xs) {
        Map<List<Object>, Double> flops = new HashMap<>();
        xs.forEach(p -> flops.put(p.key(), p.flops()));
        return s.heldOut().stream().mapToDouble(p -> flops.get(p.key())).min().orElse(Double.NaN);
    }

    private static void print(PrintWriter out, LossToLossRequest r, PairResult p, Map<String, Double> translated, Map<String, Double> xChinchilla) {
        String offsets = r.offsetsKind().spelling();
        if (!p.ok()) {
            out.printf("loss-to-loss %s -> %s: FAILED: %s%n", p.xSide(), p.ySide(), p.message());
            return;
        }
        LossToLossStudy.Result s = p.study();
        LossToLoss.Map2 m = s.map();
        out.printf("loss-to-loss %s -> %s on %s, paired by %s: %d pairs fitted, %d held out%n", p.xSide(), p.ySide(), r.sideColumn(), r.pairBy(),
                s.fitted(), s.heldOut().size());
        out.printf("  L_%s = %.5g (L_%s - %.5g)^%.5g + %.5g%n", p.ySide(), m.k(), p.xSide(), m.ex(), m.kappa(), m.ey());
        if (s.xLaw().isEmpty()) {
            out.println("  E_x and E_y fitted with K and kappa (--offsets fit)");
        } else {
            out.printf("  E_%s from its %s law on its %d rows outside the held-out set: %s%n", p.xSide(), offsets, s.xLawRows().size(), brief(s.xLaw()));
            out.printf("  E_%s from its %s law on its %d rows outside the held-out set: %s%n", p.ySide(), offsets, s.yLawRows().size(), brief(s.yLaw()));
            warnIfNoFloor(out, p.xSide(), s.xLaw(), s.xLawRows(), offsets);
            warnIfNoFloor(out, p.ySide(), s.yLaw(), s.yLawRows(), offsets);
        }
        if (s.belowOffset() > 0) {
            out.printf("  %d fitting pairs lie at or below E_%s or E_%s and were left out of the map's fit%n", s.belowOffset(), p.xSide(), p.ySide());
        }
        if (!s.heldOut().isEmpty()) {
            out.printf("  held out (%s):%n", r.holdoutWhere() != null ? "--holdout-where \"" + r.holdoutWhere() + "\""
                    : "the " + s.heldOut().size() + " pairs of the largest " + p.xSide() + " compute");
            for (LossToLossStudy.Prediction h : s.heldOut()) {
                out.printf("    %-40s L_%s %.5g  predicted %.5g  actual %.5g  error %+.2f%%%s%n", label(r.pairBy(), h.key()), p.xSide(), h.lx(),
                        h.predicted(), h.actual(), 100 * h.relativeError(), h.belowOffset() ? "  (L_x <= E_x: the floor E_y)" : "");
            }
            out.printf("  extrapolation: mean |rel. error| %.4f, max %.4f%n", s.meanError(), s.maxError());
        }
        if (translated != null) {
            out.printf("  %s Chinchilla law (rows outside the held-out set): %s%n  translated to %s: %s%n", p.xSide(), brief(xChinchilla), p.ySide(),
                    brief(translated));
        }
        out.flush();
    }

    /** Says so when a side's law puts its floor E at ~0: its rows do not identify an irreducible loss, and the map loses its offsets. */
    private static void warnIfNoFloor(PrintWriter out, String side, Map<String, Double> law, List<LossToLossStudy.Point> rows, String offsets) {
        double min = rows.stream().mapToDouble(LossToLossStudy.Point::loss).min().orElse(Double.NaN);
        double e = law.get("E");
        if (e < 1e-3 * min) {
            out.printf("  warning: E_%s is %.3g, at the bound 0 (smallest loss %.4g): this side's rows do not identify an irreducible loss"
                    + " (too little range in N and D for the %s law), so the map is a plain power law and its extrapolation is unreliable%n",
                    side, e, min, offsets);
        }
    }

    private static void printMatrices(PrintWriter out, List<String> xSides, List<String> ySides, List<PairResult> results) {
        for (String what : List.of("kappa", "K", "mean |rel. error| held out")) {
            out.printf("%n%s (rows: x side, columns: y side)%n", what);
            int width = Math.max(12, ySides.stream().mapToInt(String::length).max().orElse(0) + 2);
            int first = Math.max(12, xSides.stream().mapToInt(String::length).max().orElse(0) + 2);
            StringBuilder header = new StringBuilder(String.format("%-" + first + "s", ""));
            ySides.forEach(y -> header.append(String.format("%" + width + "s", y)));
            out.println(header);
            for (String x : xSides) {
                StringBuilder line = new StringBuilder(String.format("%-" + first + "s", x));
                for (String y : ySides) {
                    PairResult p = find(results, x, y);
                    String cell = p == null ? "-" : !p.ok() ? "failed" : String.format(Locale.ROOT, "%.4g", value(p, what));
                    line.append(String.format("%" + width + "s", cell));
                }
                out.println(line);
            }
        }
        out.flush();
    }

    private static double value(PairResult p, String what) {
        return switch (what) {
            case "kappa" -> p.study().map().kappa();
            case "K" -> p.study().map().k();
            default -> p.study().meanError();
        };
    }

    private static PairResult find(List<PairResult> results, String x, String y) {
        return results.stream().filter(p -> p.xSide().equals(x) && p.ySide().equals(y)).findFirst().orElse(null);
    }

    private static HeatMap matrix(List<String> xSides, List<String> ySides, List<PairResult> results, String what) {
        double[][] v = new double[xSides.size()][ySides.size()];
        for (int i = 0; i < xSides.size(); i++) {
            for (int j = 0; j < ySides.size(); j++) {
                PairResult p = find(results, xSides.get(i), ySides.get(j));
                v[i][j] = p == null || !p.ok() ? Double.NaN
                        : what.equals("kappa") ? Math.log(p.study().map().kappa()) : 100 * signedMean(p.study());
            }
        }
        return what.equals("kappa")
                ? new HeatMap("Loss-to-loss exponent by pair of sides", "y side", "x side", ySides, xSides, v, "ln kappa")
                : new HeatMap("Loss-to-loss held-out error by pair of sides", "y side", "x side", ySides, xSides, v, "mean error %");
    }

    private static double signedMean(LossToLossStudy.Result s) {
        return s.heldOut().stream().mapToDouble(LossToLossStudy.Prediction::relativeError).average().orElse(Double.NaN);
    }

    private static Figure figure(PairResult p, Map<String, List<LossToLossStudy.Point>> bySide) {
        LossToLossStudy.Result s = p.study();
        Map<List<Object>, Double> ys = new HashMap<>();
        bySide.get(p.ySide()).forEach(y -> ys.put(y.key(), y.loss()));
        List<List<Object>> heldKeys = s.heldOut().stream().map(LossToLossStudy.Prediction::key).toList();
        List<double[]> fitted = new ArrayList<>();
        for (LossToLossStudy.Point x : bySide.get(p.xSide())) {
            Double y = ys.get(x.key());
            if (y != null && !heldKeys.contains(x.key())) {
                fitted.add(new double[] {x.loss(), y});
            }
        }
        return Plots.lossToLoss("loss-to-loss: " + p.xSide() + " -> " + p.ySide(), "loss (" + p.xSide() + ")", "loss (" + p.ySide() + ")",
                fitted.stream().mapToDouble(f -> f[0]).toArray(), fitted.stream().mapToDouble(f -> f[1]).toArray(), s.map(),
                s.heldOut().stream().mapToDouble(LossToLossStudy.Prediction::lx).toArray(),
                s.heldOut().stream().mapToDouble(LossToLossStudy.Prediction::actual).toArray());
    }

    private static String label(List<String> pairBy, List<Object> key) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pairBy.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(pairBy.get(i)).append('=').append(key.get(i));
        }
        return b.toString();
    }

    private static String brief(Map<String, Double> law) {
        StringBuilder b = new StringBuilder();
        law.forEach((k, v) -> {
            if (!k.startsWith("N_opt") && !k.startsWith("D_opt") && !k.equals("a") && !k.equals("b") && !k.equals("G")) {
                b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%.4g", v));
            }
        });
        return b.toString();
    }

    private static String clean(String s) {
        return s.replaceAll("[^A-Za-z0-9.]+", "-");
    }
}
