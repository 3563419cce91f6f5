package io.losslake.spark.cli;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.losslake.scaling.fit.Bootstrap;
import io.losslake.scaling.fit.Extrapolation;
import io.losslake.scaling.fit.FitData;
import io.losslake.scaling.fit.Fitter;
import io.losslake.scaling.fit.Forms;
import io.losslake.scaling.fit.IsoFlop;
import io.losslake.scaling.fit.LawForm;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake fit}: scaling laws over any table, per group, with bootstrap intervals and plots. */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Fits scaling laws to a table's points (a lake table, or any Parquet, CSV or Delta path), per group of rows,",
            "with bootstrap intervals, compute-optimal allocation, an optional extrapolation check and plots; writes",
            "scaling_fits and prints a table (JSON with --json). Spark only reads and groups; the fits are plain Java."},
        footer = {"", "Forms:",
            "  power        L(C) = E + A C^-alpha",
            "  power-no-e   L(C) = A C^-alpha",
            "  chinchilla   L(N, D) = E + A/N^alpha + B/D^beta  (Hoffmann et al. Approach 3; 4,500-start grid)",
            "  kaplan       L(N, D) = E + [(A/N)^(alpha/beta) + B/D]^beta",
            "  isoflop      Approach 2: a parabola in log N per budget, then N_opt ~ C^a",
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

    @Option(names = "--form", split = ",", defaultValue = "chinchilla", description = "Forms to fit: power, power-no-e, chinchilla, kaplan, isoflop. Default: ${DEFAULT-VALUE}.")
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

    /** One group's fit of one form, as written to scaling_fits. */
    record Result(String form, Map<String, Object> group, int points, String status, String message, Map<String, Double> parameters,
                  Map<String, Double> low, Map<String, Double> high, int bootstrapFitted, double objective, boolean converged,
                  double cutoff, double meanError, double maxError) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Instant startedAt = Instant.now();
        for (String form : forms) {
            if (!form.equalsIgnoreCase("isoflop")) {
                try {
                    Forms.byName(form);
                } catch (IllegalArgumentException e) {
                    throw new UserInputException(e.getMessage().replace("expected one of ", "expected one of isoflop, "), e);
                }
            }
        }
        if (bootstrap < 0 || !(level > 0 && level < 1) || !(extrapolate >= 0 && extrapolate < 1)) {
            throw new UserInputException("Invalid --bootstrap " + bootstrap + ", --level " + level + " or --extrapolate-fraction " + extrapolate
                    + ": expected 0 or more resamples, a level in (0, 1) and a fraction in [0, 1).");
        }
        if (plots != null) {
            Files.createDirectories(plots);
        }
        try (LakeSession session = LakeSession.open("losslake fit", sparkOptions)) {
            Lake lake = new Lake(session.spark(), session.qualifyLake(sparkOptions.lake()));
            String source = input != null ? input : lake.path(table);
            Dataset<Row> rows = read(session.spark(), lake, source);
            List<String> needed = new ArrayList<>(groupBy);
            needed.add(lossColumn);
            boolean needsC = forms.stream().anyMatch(f -> f.equalsIgnoreCase("power") || f.equalsIgnoreCase("power-no-e"));
            boolean needsND = forms.stream().anyMatch(f -> !f.toLowerCase(Locale.ROOT).startsWith("power"));
            if (needsC || forms.stream().anyMatch(f -> f.equalsIgnoreCase("isoflop"))) {
                needed.add(flopsColumn);
            }
            if (needsND) {
                needed.add(paramsColumn);
                needed.add(examplesColumn);
            }
            if (forms.stream().anyMatch(f -> f.equalsIgnoreCase("isoflop"))) {
                needed.add(budgetColumn);
            }
            List<String> columns = Arrays.asList(rows.columns());
            for (String c : needed.stream().distinct().toList()) {
                if (!columns.contains(c)) {
                    throw new UserInputException(source + " has no column '" + c + "'; its columns are " + String.join(", ", columns) + ".");
                }
            }
            if (where != null) {
                try {
                    rows = rows.where(where);
                    rows.schema();
                } catch (Exception e) {
                    throw new UserInputException("--where \"" + where + "\" is not a valid filter of " + source + ": "
                            + e.getMessage().lines().findFirst().orElse("") + ".", e);
                }
            }
            List<String> numeric = needed.stream().filter(c -> !groupBy.contains(c)).distinct().toList();
            Column[] selected = needed.stream().distinct().map(c -> col(c)).toArray(Column[]::new);
            List<Row> points = rows.select(selected).collectAsList();
            List<String> order = needed.stream().distinct().toList();
            for (String c : numeric) {
                int index = order.indexOf(c);
                long bad = points.stream().filter(r -> r.isNullAt(index) || !(((Number) r.get(index)).doubleValue() > 0)
                        || Double.isInfinite(((Number) r.get(index)).doubleValue())).count();
                if (bad > 0) {
                    throw new UserInputException("Column '" + c + "' of " + source + " has " + bad + " missing, non-positive or infinite values"
                            + (where == null ? "" : " after --where") + "; N, D, C and losses must be positive numbers.");
                }
            }
            if (points.isEmpty()) {
                throw new UserInputException(source + " has no rows" + (where == null ? "" : " matching --where \"" + where + "\"") + ".");
            }

            Map<List<Object>, List<Row>> groups = new TreeMap<>(FitCommand::compareKeys);
            for (Row r : points) {
                List<Object> key = new ArrayList<>();
                for (String g : groupBy) {
                    key.add(r.get(order.indexOf(g)));
                }
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
            }
            String runId = RunLog.newRunId(startedAt);
            List<Result> results = new ArrayList<>();
            List<Plots.Group> drawn = new ArrayList<>();
            for (Map.Entry<List<Object>, List<Row>> g : groups.entrySet()) {
                Map<String, Object> groupValues = new LinkedHashMap<>();
                for (int i = 0; i < groupBy.size(); i++) {
                    groupValues.put(groupBy.get(i), g.getKey().get(i));
                }
                for (String form : forms) {
                    Result r = fitOne(form.toLowerCase(Locale.ROOT), groupValues, g.getValue(), order, drawn);
                    results.add(r);
                    if (!json) {
                        print(out, r);
                    }
                }
            }
            if (plots != null) {
                writePlots(out, drawn);
            }
            List<Row> written = new ArrayList<>();
            for (Result r : results) {
                written.add(RowFactory.create(runId, source + (where == null ? "" : " where " + where), r.form(), Json.of(r.group()),
                        r.points(), r.status(), r.message(), scala(r.parameters()), scala(r.low()), scala(r.high()), level,
                        r.bootstrapFitted(), nan(r.objective()), r.converged(), nan(r.cutoff()), nan(r.meanError()), nan(r.maxError()),
                        Timestamp.from(Instant.now())));
            }
            RunLog runs = new RunLog(lake);
            runs.start(new RunLog.Start(runId, "fit", seed, source, Json.options(spec), startedAt), Version.current());
            lake.append(Tables.SCALING_FITS, Tables.SCALING_FITS_SCHEMA, written);
            long ok = results.stream().filter(r -> r.status().equals("ok")).count();
            runs.finish(runId, ok > 0 ? RunLog.SUCCEEDED : RunLog.FAILED, Instant.now(),
                    (Instant.now().toEpochMilli() - startedAt.toEpochMilli()) / 1000.0, Json.of(Map.of("fits", results.size(), "ok", ok)),
                    ok > 0 ? null : "no group could be fitted");
            if (json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
            } else {
                out.printf("%d of %d fits ok; written to %s (run %s)%n", ok, results.size(), lake.path(Tables.SCALING_FITS), runId);
            }
            out.flush();
            return ok > 0 ? 0 : 1;
        }
    }

    private Dataset<Row> read(SparkSession spark, Lake lake, String source) {
        try {
            return switch (input == null ? "delta" : format.toLowerCase(Locale.ROOT)) {
                case "delta" -> spark.read().format("delta").load(source);
                case "parquet" -> spark.read().parquet(source);
                case "csv" -> spark.read().option("header", "true").option("inferSchema", "true").csv(source);
                default -> throw new UserInputException("Invalid --format '" + format + "': expected delta, parquet or csv.");
            };
        } catch (UserInputException e) {
            throw e;
        } catch (Exception e) {
            throw new UserInputException(source + " is not a readable " + (input == null ? "Delta table" : format + " source") + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ".", e);
        }
    }

    private Result fitOne(String form, Map<String, Object> group, List<Row> rows, List<String> order, List<Plots.Group> drawn) {
        int lossAt = order.indexOf(lossColumn);
        double[] loss = rows.stream().mapToDouble(r -> ((Number) r.get(lossAt)).doubleValue()).toArray();
        try {
            if (form.equals("isoflop")) {
                int budgetAt = order.indexOf(budgetColumn);
                int nAt = order.indexOf(paramsColumn);
                double[] budget = rows.stream().mapToDouble(r -> ((Number) r.get(budgetAt)).doubleValue()).toArray();
                double[] n = rows.stream().mapToDouble(r -> ((Number) r.get(nAt)).doubleValue()).toArray();
                IsoFlop.Result iso = IsoFlop.fit(budget, n, loss);
                Map<String, Double> p = new LinkedHashMap<>();
                p.put("a_N", iso.exponentN());
                p.put("k_N", iso.scaleN());
                p.put("a_D", iso.exponentD());
                p.put("k_D", iso.scaleD());
                p.put("budgets", (double) iso.budgets().size());
                if (plots != null) {
                    write(Plots.isoFlop("IsoFLOP profiles " + label(group), iso, budget, n, loss), "isoflop-" + slug(group));
                }
                return new Result(form, group, rows.size(), "ok", null, p, Map.of(), Map.of(), 0, Double.NaN, true, Double.NaN, Double.NaN, Double.NaN);
            }
            LawForm law = Forms.byName(form);
            double[][] x = new double[rows.size()][];
            for (int i = 0; i < x.length; i++) {
                Row r = rows.get(i);
                x[i] = law.inputs().size() == 1 ? new double[] {((Number) r.get(order.indexOf(flopsColumn))).doubleValue()}
                        : new double[] {((Number) r.get(order.indexOf(paramsColumn))).doubleValue(),
                            ((Number) r.get(order.indexOf(examplesColumn))).doubleValue()};
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
            if (bootstrap > 0) {
                ci = Bootstrap.run(fit, data, bootstrap, seed, level, Fitter.Options.DEFAULT);
                ci.bounds().forEach((k, v) -> {
                    low.put(k, v[0]);
                    high.put(k, v[1]);
                });
                fitted = ci.fitted();
            }
            double cutoff = Double.NaN;
            double meanError = Double.NaN;
            double maxError = Double.NaN;
            if (extrapolate > 0) {
                double[] scales = Arrays.stream(x).mapToDouble(Extrapolation::scale).sorted().toArray();
                cutoff = scales[(int) Math.floor((1 - extrapolate) * (scales.length - 1))];
                Extrapolation e = Extrapolation.check(law, data, cutoff, Fitter.Options.DEFAULT);
                meanError = e.meanAbsoluteRelativeError();
                maxError = e.maxAbsoluteRelativeError();
                if (plots != null) {
                    write(Plots.residuals(form + " extrapolation " + label(group), e), form + "-extrapolation-" + slug(group));
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

    private void writePlots(PrintWriter out, List<Plots.Group> drawn) throws IOException {
        for (Plots.Group g : drawn) {
            write(Plots.lossVsCompute(g.name(), List.of(g)), "fit-" + clean(g.name().replace("mode=", "").replace("eval_set=", "")));
        }
        out.println("plots: " + plots);
    }

    private void write(Figure figure, String name) {
        try (OutputStream png = Files.newOutputStream(plots.resolve(name + ".png"));
             OutputStream svg = Files.newOutputStream(plots.resolve(name + ".svg"))) {
            Render.writePng(figure, png);
            Render.writeSvg(figure, svg);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing " + plots.resolve(name) + " failed", e);
        }
    }

    private static void print(PrintWriter out, Result r) {
        out.printf("%s %s: %d points, %s%n", r.form(), label(r.group()), r.points(), r.status().equals("ok") ? "" : "FAILED: " + r.message());
        if (r.status().equals("ok")) {
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
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-+|-+$", "");
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

    static scala.collection.Map<String, Double> scala(Map<String, Double> map) {
        Map<String, Double> finite = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null && Double.isFinite(v)) {
                finite.put(k, v);
            }
        });
        return scala.collection.JavaConverters.mapAsScalaMap(finite);
    }

    static Double nan(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
