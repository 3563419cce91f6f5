package io.losslake.spark.jobs;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.losslake.scaling.fit.Bootstrap;
import io.losslake.scaling.fit.Extrapolation;
import io.losslake.scaling.fit.FitData;
import io.losslake.scaling.fit.Fitter;
import io.losslake.scaling.fit.Forms;
import io.losslake.scaling.fit.IsoFlop;
import io.losslake.scaling.fit.LawForm;
import io.losslake.scaling.plot.Figure;
import io.losslake.scaling.plot.HeatMap;
import io.losslake.scaling.plot.Plots;
import io.losslake.scaling.plot.Render;
import io.losslake.spark.lake.Json;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Rows;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.runtime.Version;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scaling laws fitted to a table's points per group of rows: Spark reads, filters and groups; the
 * fits (multi-start L-BFGS, bootstrap intervals, extrapolation checks, IsoFLOP profiles) are the
 * plain Java of scaling-laws. Results go to {@code scaling_fits}, a printed table or JSON, and plots.
 * A group that cannot be fitted is reported as failed while the others are fitted.
 */
public final class FitJob {
    private FitJob() {
    }

    /** One group's fit of one form, as written to scaling_fits. */
    public record Result(String form, Map<String, Object> group, int points, String status, String message, Map<String, Double> parameters,
                         Map<String, Double> low, Map<String, Double> high, int bootstrapFitted, double objective, boolean converged,
                         double cutoff, double meanError, double maxError) {
        public boolean ok() {
            return status.equals("ok");
        }
    }

    /** Checks a request before Spark starts; one sentence on the first bad option. */
    public static void check(FitRequest request) {
        UserErrors.check(request::check);
    }

    /** Fits every group and form; returns every fit (failed ones included). */
    public static List<Result> run(Lake lake, FitRequest request, PrintWriter out) {
        Instant startedAt = Instant.now();
        check(request);
        if (request.plots() != null) {
            createFolder(request.plots());
        }
        String source = request.input() != null ? request.input() : lake.path(request.table());
        Dataset<Row> rows = Sources.read(lake, source, request.input() == null ? "delta" : request.format(), request.input() == null);
        List<String> needed = new ArrayList<>(request.groupBy());
        needed.add(request.lossColumn());
        for (String form : request.forms()) {
            if (form.equals(FitRequest.ISOFLOP)) {
                needed.add(request.flopsColumn());
                needed.add(request.paramsColumn());
                needed.add(request.budgetColumn());
            } else {
                Forms.byName(form).inputs().forEach(input -> needed.add(column(request, input)));
            }
        }
        List<String> order = needed.stream().distinct().toList();
        Sources.requireColumns(rows, source, order);
        rows = Sources.filter(rows, request.where(), source);
        List<String> numeric = order.stream().filter(c -> !request.groupBy().contains(c)).toList();
        for (String c : numeric) {
            org.apache.spark.sql.types.DataType type = rows.schema().apply(c).dataType();
            if (!(type instanceof org.apache.spark.sql.types.NumericType)) {
                throw new UserInputException("Column '" + c + "' of " + source + " holds " + type.simpleString()
                        + " values; expected numbers (a CSV column with any non-numeric entry is read as text).");
            }
        }
        // in one order whatever the files' order (which depends on how the table was written): the bootstrap resamples
        // points by index, so the intervals, and by summation order even the estimates, would otherwise depend on it
        Column[] selected = order.stream().map(c -> col(c)).toArray(Column[]::new);
        List<Row> points = rows.select(selected).orderBy(selected).collectAsList();
        for (String c : numeric) {
            int index = order.indexOf(c);
            long bad = points.stream().filter(r -> r.isNullAt(index) || !(((Number) r.get(index)).doubleValue() > 0)
                    || Double.isInfinite(((Number) r.get(index)).doubleValue())).count();
            if (bad > 0) {
                throw new UserInputException("Column '" + c + "' of " + source + " has " + bad + " missing, non-positive or infinite values"
                        + (request.where() == null ? "" : " after --where") + "; N, D, C and losses must be positive numbers.");
            }
        }
        if (points.isEmpty()) {
            throw new UserInputException(source + " has no rows" + (request.where() == null ? "" : " matching --where \"" + request.where() + "\"") + ".");
        }

        Map<List<Object>, List<Row>> groups = new TreeMap<>(FitJob::compareKeys);
        for (Row r : points) {
            List<Object> key = new ArrayList<>();
            for (String g : request.groupBy()) {
                key.add(r.get(order.indexOf(g)));
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        String runId = RunLog.newRunId(startedAt);
        List<Result> results = new ArrayList<>();
        List<Plots.Group> drawn = new ArrayList<>();
        for (Map.Entry<List<Object>, List<Row>> g : groups.entrySet()) {
            Map<String, Object> groupValues = new LinkedHashMap<>();
            for (int i = 0; i < request.groupBy().size(); i++) {
                groupValues.put(request.groupBy().get(i), g.getKey().get(i));
            }
            for (String form : request.forms()) {
                Result r = fitOne(request, form, groupValues, g.getValue(), order, drawn);
                results.add(r);
                if (!request.json()) {
                    print(out, r);
                }
            }
        }
        if (request.plots() != null) {
            for (Plots.Group g : drawn) {
                write(request.plots(), Plots.lossVsCompute(g.name(), List.of(g)), "fit-" + clean(g.name().replace("mode=", "").replace("eval_set=", "")));
            }
            out.println("plots: " + request.plots());
        }
        List<Row> written = new ArrayList<>();
        for (Result r : results) {
            written.add(RowFactory.create(runId, source + (request.where() == null ? "" : " where " + request.where()), r.form(), Json.of(r.group()),
                    r.points(), r.status(), r.message(), Rows.figures(r.parameters()), Rows.figures(r.low()), Rows.figures(r.high()),
                    request.level(), r.bootstrapFitted(), Rows.nullable(r.objective()), r.converged(), Rows.nullable(r.cutoff()),
                    Rows.nullable(r.meanError()), Rows.nullable(r.maxError()), Timestamp.from(Instant.now())));
        }
        long ok = results.stream().filter(Result::ok).count();
        RunLog.Start start = new RunLog.Start(runId, "fit", request.seed(), source, Json.of(request.toConfig()), startedAt);
        new RunLog(lake).record(start, false, Version.current(), () -> {
            lake.append(Tables.SCALING_FITS, Tables.SCALING_FITS_SCHEMA, written);
            return results;
        }, done -> new RunLog.Ending(ok > 0 ? RunLog.SUCCEEDED : RunLog.FAILED, Map.of("fits", results.size(), "ok", ok),
                ok > 0 ? null : "no group could be fitted"));
        if (request.json()) {
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.printf("%d of %d fits ok; written to %s (run %s)%n", ok, results.size(), lake.path(Tables.SCALING_FITS), runId);
        }
        out.flush();
        return results;
    }

    /** The column holding a law form's input: C (compute), N (parameters) or D (examples). */
    private static String column(FitRequest request, String input) {
        return switch (input) {
            case "C" -> request.flopsColumn();
            case "N" -> request.paramsColumn();
            case "D" -> request.examplesColumn();
            default -> throw new IllegalStateException("a law form takes an input '" + input + "' that fit cannot map to a column");
        };
    }

    private static Result fitOne(FitRequest request, String form, Map<String, Object> group, List<Row> rows, List<String> order,
                                 List<Plots.Group> drawn) {
        int lossAt = order.indexOf(request.lossColumn());
        double[] loss = rows.stream().mapToDouble(r -> ((Number) r.get(lossAt)).doubleValue()).toArray();
        try {
            if (form.equals(FitRequest.ISOFLOP)) {
                int budgetAt = order.indexOf(request.budgetColumn());
                int nAt = order.indexOf(request.paramsColumn());
                double[] budget = rows.stream().mapToDouble(r -> ((Number) r.get(budgetAt)).doubleValue()).toArray();
                double[] n = rows.stream().mapToDouble(r -> ((Number) r.get(nAt)).doubleValue()).toArray();
                IsoFlop.Result iso = IsoFlop.fit(budget, n, loss);
                Map<String, Double> p = new LinkedHashMap<>();
                p.put("a_N", iso.exponentN());
                p.put("k_N", iso.scaleN());
                p.put("a_D", iso.exponentD());
                p.put("k_D", iso.scaleD());
                p.put("budgets", (double) iso.budgets().size());
                if (request.plots() != null) {
                    write(request.plots(), Plots.isoFlop("IsoFLOP profiles " + label(group), iso, budget, n, loss), "isoflop-" + slug(group));
                }
                return new Result(form, group, rows.size(), "ok", null, p, Map.of(), Map.of(), 0, Double.NaN, true, Double.NaN, Double.NaN, Double.NaN);
            }
            LawForm law = Forms.byName(form);
            int[] at = law.inputs().stream().mapToInt(input -> order.indexOf(column(request, input))).toArray();
            double[][] x = new double[rows.size()][];
            for (int i = 0; i < x.length; i++) {
                Row r = rows.get(i);
                x[i] = Arrays.stream(at).mapToDouble(a -> ((Number) r.get(a)).doubleValue()).toArray();
            }
            FitData data = new FitData(x, loss);
            Fitter.Fit fit = Fitter.fit(law, data, Fitter.Options.DEFAULT);
            if (!fit.converged()) {
                return new Result(form, group, rows.size(), "failed", "L-BFGS did not converge from any start (best objective "
                        + fit.objective() + ")", fit.parameters(), Map.of(), Map.of(), 0, fit.objective(), false, Double.NaN, Double.NaN, Double.NaN);
            }
            Map<String, Double> low = new LinkedHashMap<>();
            Map<String, Double> high = new LinkedHashMap<>();
            Bootstrap.Intervals ci = null;
            int fitted = 0;
            if (request.bootstrap() > 0) {
                ci = Bootstrap.run(fit, data, request.bootstrap(), request.seed(), request.level(), Fitter.Options.DEFAULT);
                ci.bounds().forEach((k, v) -> {
                    low.put(k, v[0]);
                    high.put(k, v[1]);
                });
                fitted = ci.fitted();
            }
            double cutoff = Double.NaN;
            double meanError = Double.NaN;
            double maxError = Double.NaN;
            if (request.extrapolate() > 0) {
                cutoff = Extrapolation.cutoff(x, request.extrapolate());
                Extrapolation e = Extrapolation.check(law, data, cutoff, Fitter.Options.DEFAULT);
                meanError = e.meanAbsoluteRelativeError();
                maxError = e.maxAbsoluteRelativeError();
                if (request.plots() != null) {
                    write(request.plots(), Plots.residuals(form + " extrapolation " + label(group), e), form + "-extrapolation-" + slug(group));
                }
            }
            drawn.add(new Plots.Group(form + " " + label(group), data, fit, ci));
            return new Result(form, group, rows.size(), "ok", null, fit.parameters(), low, high, fitted, fit.objective(), true, cutoff,
                    meanError, maxError);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new Result(form, group, rows.size(), "failed", e.getMessage(), Map.of(), Map.of(), Map.of(), 0, Double.NaN, false,
                    Double.NaN, Double.NaN, Double.NaN);
        }
    }

    static void createFolder(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UserInputException("--plots " + folder + " cannot be created: " + e.getMessage() + ".", e);
        }
    }

    /** Writes {@code figure} as {@code name}.png and {@code name}.svg into {@code folder}. */
    static void write(Path folder, Figure figure, String name) {
        try (OutputStream png = Files.newOutputStream(folder.resolve(name + ".png"));
             OutputStream svg = Files.newOutputStream(folder.resolve(name + ".svg"))) {
            Render.writePng(figure, png);
            Render.writeSvg(figure, svg);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + folder.resolve(name) + " failed", e);
        }
    }

    /** Writes {@code map} as {@code name}.png and {@code name}.svg into {@code folder}. */
    static void write(Path folder, HeatMap map, String name) {
        try (OutputStream png = Files.newOutputStream(folder.resolve(name + ".png"));
             OutputStream svg = Files.newOutputStream(folder.resolve(name + ".svg"))) {
            map.writePng(png);
            map.writeSvg(svg);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + folder.resolve(name) + " failed", e);
        }
    }

    private static void print(PrintWriter out, Result r) {
        out.printf("%s %s: %d points, %s%n", r.form(), label(r.group()), r.points(), r.ok() ? "" : "FAILED: " + r.message());
        if (r.ok()) {
            for (Map.Entry<String, Double> e : r.parameters().entrySet()) {
                Double lo = r.low().get(e.getKey());
                Double hi = r.high().get(e.getKey());
                out.printf("  %-8s %14.6g%s%n", e.getKey(), e.getValue(), lo == null ? "" : String.format("   [%.6g, %.6g]", lo, hi));
            }
            if (!Double.isNaN(r.meanError())) {
                out.printf("  extrapolation above %.3g: mean |rel. error| %.4f, max %.4f%n", r.cutoff(), r.meanError(), r.maxError());
            }
        }
        out.flush();
    }

    static String label(Map<String, Object> group) {
        return group.isEmpty() ? "(all rows)" : group.toString();
    }

    private static String slug(Map<String, Object> group) {
        return group.isEmpty() ? "all" : clean(group.values().stream().map(String::valueOf).reduce((a, b) -> a + "-" + b).orElse(""));
    }

    private static String clean(String text) {
        return text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-+|-+$", "");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            int c = x == null ? (y == null ? 0 : -1) : y == null ? 1 : (x instanceof Comparable cx && x.getClass() == y.getClass())
                    ? cx.compareTo(y) : String.valueOf(x).compareTo(String.valueOf(y));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
