package io.losslake.spark.jobs;

import static org.apache.spark.sql.functions.col;

import io.losslake.scaling.fit.IsoFlop;
import io.losslake.scaling.fit.ScalingStudy;
import io.losslake.scaling.plot.Plots;
import io.losslake.spark.lake.Json;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Rows;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.runtime.Version;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@code losslake study}: an IsoFLOP sweep's final points read as the scaling-law papers read
 * theirs (see {@link ScalingStudy}), per training setting (mode, plan, strategy), with the largest
 * budget held out; then how each federated setting's exponents differ from the centralised ones.
 * Spark only reads; the study is the plain Java of scaling-laws. Rows go to {@code scaling_fits}.
 */
public final class StudyJob {
    private StudyJob() {
    }

    /**
     * What to study.
     *
     * @param sweep     the sweep's name in sweep_points, or several, comma-separated (their settings are studied side by side)
     * @param evalSet   which loss (an eval_set value)
     * @param where     a further row filter (Spark SQL), or null
     * @param holdOut   hold the largest budget out and predict it
     * @param plots     a folder for figures, or null
     */
    public record Request(String sweep, String evalSet, String where, boolean holdOut, int bootstrap, double level, long seed, Path plots) {
        public void check() {
            new ScalingStudy.Options(bootstrap, seed, level, holdOut);
            if (sweep == null || sweep.isBlank()) {
                throw new IllegalArgumentException("study needs --sweep NAME, a sweep with design: isoflop in the lake.");
            }
        }
    }

    /** One setting's study. */
    public record Setting(String mode, String plan, String strategy, ScalingStudy.Result result) {
        public String label() {
            return mode.equals("centralised") ? "centralised" : mode + " " + plan + " " + strategy;
        }
    }

    /** Checks a request before Spark starts; one sentence on the first bad option. */
    public static void check(Request request) {
        UserErrors.check(request::check);
    }

    public static List<Setting> run(Lake lake, Request request, PrintWriter out) {
        Instant startedAt = Instant.now();
        check(request);
        if (request.plots() != null) {
            FitJob.createFolder(request.plots());
        }
        if (!lake.exists(Tables.SWEEP_POINTS)) {
            throw new UserInputException("The lake " + lake.root() + " has no sweep_points yet; run 'losslake sweep' with an isoflop design first.");
        }
        List<String> names = java.util.Arrays.stream(request.sweep().split(",")).map(String::trim).filter(n -> !n.isEmpty()).distinct().toList();
        List<String> present = lake.read(Tables.SWEEP_POINTS).select("sweep").distinct().collectAsList().stream().map(r -> r.getString(0)).sorted()
                .toList();
        List<String> missing = names.stream().filter(n -> !present.contains(n)).toList();
        if (missing.size() == names.size()) {
            throw new UserInputException("--sweep " + request.sweep() + " has no rows in " + lake.path(Tables.SWEEP_POINTS) + "; the sweeps there are "
                    + present + ".");
        }
        if (!missing.isEmpty()) {
            out.printf("note: sweep(s) %s have no rows in %s yet; studying %s%n", missing, lake.path(Tables.SWEEP_POINTS),
                    names.stream().filter(present::contains).toList());
            names = names.stream().filter(present::contains).toList();
        }
        var table = lake.read(Tables.SWEEP_POINTS).where(col("sweep").isin(names.toArray()));
        if (!java.util.Arrays.asList(table.columns()).contains("flop_budget")
                || table.where(col("flop_budget").isNotNull()).limit(1).count() == 0) {
            throw new UserInputException("--sweep " + request.sweep() + " holds no isoflop runs; a study needs a sweep with design: isoflop (compute-budgets), "
                    + "whose runs share each budget's FLOPs.");
        }
        List<String> evalSets = table.select("eval_set").distinct().collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
        if (!evalSets.contains(request.evalSet())) {
            throw new UserInputException("--eval-set " + request.evalSet() + " is not among sweep " + request.sweep() + "'s: " + evalSets + ".");
        }
        if (request.where() != null) {
            table = Sources.filter(table, request.where(), lake.path(Tables.SWEEP_POINTS));
        }
        List<Row> rows = table.where(col("final").equalTo(true).and(col("eval_set").equalTo(request.evalSet())).and(col("loss").isNotNull()))
                .select("mode", "plan", "strategy", "flop_budget", "params", "examples", "loss", "seed").collectAsList();
        Map<List<String>, List<ScalingStudy.Point>> settings = new TreeMap<>((a, b) -> String.join("|", a).compareTo(String.join("|", b)));
        for (Row r : rows) {
            List<String> key = List.of(r.getString(0), Objects.toString(r.getString(1), ""), Objects.toString(r.getString(2), ""));
            settings.computeIfAbsent(key, k -> new ArrayList<>()).add(new ScalingStudy.Point(r.getDouble(3), r.getLong(4), r.getLong(5),
                    r.getDouble(6), r.getLong(7)));
        }
        // the bootstrap draws by position: a fixed order makes a study's intervals the same whatever order the files come in
        settings.values().forEach(points -> points.sort(java.util.Comparator.comparingDouble(ScalingStudy.Point::budget)
                .thenComparingDouble(ScalingStudy.Point::n).thenComparingLong(ScalingStudy.Point::seed).thenComparingDouble(ScalingStudy.Point::loss)));
        String runId = RunLog.newRunId(startedAt);
        ScalingStudy.Options options = new ScalingStudy.Options(request.bootstrap(), request.seed(), request.level(), request.holdOut());
        List<Setting> done = new ArrayList<>();
        for (Map.Entry<List<String>, List<ScalingStudy.Point>> e : settings.entrySet()) {
            List<String> k = e.getKey();
            ScalingStudy.Result result;
            try {
                result = ScalingStudy.run(e.getValue(), options);
            } catch (IllegalArgumentException failure) {
                out.printf("%nstudy %s, %s: cannot be read: %s%n", request.sweep(), k.get(0), failure.getMessage());
                continue;
            }
            Setting s = new Setting(k.get(0), k.get(1), k.get(2), result);
            done.add(s);
            print(out, request, s);
            if (request.plots() != null) {
                draw(request, s, e.getValue());
            }
        }
        compare(out, done);
        if (request.plots() != null) {
            out.println("plots: " + request.plots());
        }
        List<Row> written = new ArrayList<>();
        for (Setting s : done) {
            written.addAll(rows(runId, request, s));
        }
        RunLog.Start start = new RunLog.Start(runId, "study", request.seed(), request.sweep(), Json.of(config(request)), startedAt);
        new RunLog(lake).record(start, false, Version.current(), () -> {
            if (!written.isEmpty()) {
                lake.append(Tables.SCALING_FITS, Tables.SCALING_FITS_SCHEMA, written);
            }
            return done.size();
        }, n -> new RunLog.Ending(n > 0 ? RunLog.SUCCEEDED : RunLog.FAILED, Map.of("settings", n), n > 0 ? null : "no setting could be studied"));
        out.printf("%nwritten to %s (run %s)%n", lake.path(Tables.SCALING_FITS), runId);
        out.flush();
        return done;
    }

    private static Map<String, Object> config(Request r) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sweep", r.sweep());
        c.put("eval-set", r.evalSet());
        c.put("where", r.where());
        c.put("hold-out", r.holdOut() ? "largest" : "none");
        c.put("bootstrap", r.bootstrap());
        c.put("level", r.level());
        c.put("seed", r.seed());
        c.put("plots", r.plots() == null ? null : r.plots().toString());
        return c;
    }

    private static void print(PrintWriter out, Request request, Setting s) {
        ScalingStudy.Result r = s.result();
        List<Double> budgets = r.budgets();
        int level = (int) Math.round(100 * request.level());
        out.printf("%n== study %s, %s: %d runs, %d (budget, size) configurations, budgets %s..%s FLOPs%s%n", request.sweep(), s.label(), r.runs(),
                r.configurations(), g(budgets.get(0)), g(budgets.get(budgets.size() - 1)),
                request.holdOut() ? " (" + g(budgets.get(budgets.size() - 1)) + " held out)" : "");
        ScalingStudy.Approach3 a3 = r.approach3();
        if (a3 != null) {
            out.printf("Approach 3, L = E + A/N^alpha + B/D^beta over every run (%d%% intervals, %d of %d resamples):%n", level, a3.fitted(),
                    request.bootstrap());
            for (String p : List.of("E", "A", "B", "alpha", "beta", "a_N", "a_D")) {
                out.printf("  %-6s %s%n", p.equals("a_N") ? "a" : p.equals("a_D") ? "b" : p, a3.parameters().get(p));
            }
            if (!Double.isNaN(a3.meanError())) {
                out.printf("  held-out budget: its runs predicted with mean |relative error| %.2f%%, max %.2f%%; the law's optimum there %.4f%n",
                        100 * a3.meanError(), 100 * a3.maxError(), a3.frontier());
            }
        }
        ScalingStudy.Approach2 a2 = r.approach2();
        if (a2 != null) {
            out.printf("Approach 2, a parabola in log N per budget (seed-mean losses; %d%% intervals from %d seed-bootstrap replicates):%n", level,
                    a2.fitted());
            out.printf("  %10s %12s %12s %9s %6s%n", "C", "N_opt", "D_opt", "L_opt", "sizes");
            for (IsoFlop.Budget b : a2.profiles().budgets()) {
                out.printf("  %10s %12s %12s %9.4f %6d%s%n", g(b.flops()), g(b.optimalN()), g(b.optimalD()), b.optimalLoss(), b.sizes(),
                        b.bracketed() ? "" : a2.extrapolated().contains(b.flops()) ? "  (vertex outside the sizes: not in the lines below)"
                                : "  (vertex outside the sizes)");
            }
            out.printf("  N_opt ~ C^a   a = %s%n", a2.exponentN());
            out.printf("  D_opt ~ C^b   b = %s%n", a2.exponentD());
            out.printf("  L_opt = k C^c c = %s (DiT's loss-compute law), k = %s%n", a2.lossExponent(), g(a2.lossScale()));
        }
        ScalingStudy.HeldOut h = r.heldOut();
        if (h != null) {
            out.printf("Held-out budget %s (%d runs): observed optimum N %s, L %.4f (%s); predicted N_opt %s, L_opt %.4f: loss error %+.2f%%%n",
                    g(h.budget()), h.runs(), g(h.observedN()), h.observedLoss(), h.fromVertex() ? "its parabola's vertex" : "its best size",
                    g(h.predictedN()), h.predictedLoss(), 100 * h.lossError());
            if (a3 != null && !Double.isNaN(a3.frontier())) {
                out.printf("  Approach 3's optimum there: L %.4f (%+.2f%%)%n", a3.frontier(), 100 * (a3.frontier() - h.observedLoss()) / h.observedLoss());
            }
        }
        if (a2 != null && a3 != null) {
            ScalingStudy.Estimate x = a2.exponentN();
            ScalingStudy.Estimate y = a3.parameters().get("a_N");
            out.printf("a from Approach 2 %s, from Approach 3 %s: %s%n", x, y,
                    Double.isNaN(x.low()) || Double.isNaN(y.low()) ? "no intervals to compare" : x.overlaps(y) ? "intervals overlap" : "they DISAGREE");
        }
        if (r.warnings().isEmpty()) {
            out.println("No warnings: every interval is narrower than 0.1, E is inside its range, every budget has an optimum within its sizes.");
        } else {
            out.println("Warnings:");
            r.warnings().forEach(w -> out.println("  - " + w));
        }
        out.flush();
    }

    /** How each non-centralised setting's exponents differ from the centralised ones. */
    private static void compare(PrintWriter out, List<Setting> done) {
        Setting central = done.stream().filter(s -> s.mode().equals("centralised")).findFirst().orElse(null);
        List<Setting> others = done.stream().filter(s -> !s.mode().equals("centralised")).toList();
        if (central == null || others.isEmpty()) {
            return;
        }
        out.printf("%n== against centralised training (an exponent differs when the intervals do not overlap)%n");
        out.printf("  %-40s %-28s %-28s %-28s %-28s%n", "setting", "alpha (A3)", "beta (A3)", "a (A3)", "a (A2)");
        for (Setting s : others) {
            out.printf("  %-40s %-28s %-28s %-28s %-28s%n", s.label(), diff(central, s, "alpha"), diff(central, s, "beta"), diff(central, s, "a_N"),
                    diffA2(central, s));
        }
        out.flush();
    }

    private static String diff(Setting central, Setting s, String p) {
        if (central.result().approach3() == null || s.result().approach3() == null) {
            return "n/a";
        }
        return delta(central.result().approach3().parameters().get(p), s.result().approach3().parameters().get(p));
    }

    private static String diffA2(Setting central, Setting s) {
        if (central.result().approach2() == null || s.result().approach2() == null) {
            return "n/a";
        }
        return delta(central.result().approach2().exponentN(), s.result().approach2().exponentN());
    }

    private static String delta(ScalingStudy.Estimate c, ScalingStudy.Estimate f) {
        String verdict = Double.isNaN(c.low()) || Double.isNaN(f.low()) ? "" : c.overlaps(f) ? " same" : " DIFFERS";
        return String.format(Locale.ROOT, "%.3f vs %.3f%s", f.value(), c.value(), verdict);
    }

    private static void draw(Request request, Setting s, List<ScalingStudy.Point> points) {
        String slug = s.label().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-");
        ScalingStudy.Approach2 a2 = s.result().approach2();
        if (a2 == null) {
            return;
        }
        double[] c = points.stream().mapToDouble(ScalingStudy.Point::budget).toArray();
        double[] n = points.stream().mapToDouble(ScalingStudy.Point::n).toArray();
        double[] l = points.stream().mapToDouble(ScalingStudy.Point::loss).toArray();
        FitJob.write(request.plots(), Plots.isoFlop("IsoFLOP profiles, " + s.label(), a2.profiles(), c, n, l), "isoflop-" + slug);
        ScalingStudy.HeldOut h = s.result().heldOut();
        double hb = h == null ? Double.NaN : h.budget();
        FitJob.write(request.plots(), Plots.frontier("N_opt(C), " + s.label(), "N", a2, hb, h == null ? Double.NaN : h.observedN()),
                "frontier-n-" + slug);
        FitJob.write(request.plots(), Plots.frontier("L_opt(C), " + s.label(), "L", a2, hb, h == null ? Double.NaN : h.observedLoss()),
                "frontier-loss-" + slug);
    }

    private static List<Row> rows(String runId, Request request, Setting s) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("mode", s.mode());
        if (!s.mode().equals("centralised")) {
            group.put("plan", s.plan());
            group.put("strategy", s.strategy());
        }
        String source = "sweep_points where sweep in (" + request.sweep() + ") and final and eval_set = '" + request.evalSet() + "'"
                + (request.where() == null ? "" : " and (" + request.where() + ")");
        ScalingStudy.Result r = s.result();
        String warnings = r.warnings().isEmpty() ? null : String.join(" ", r.warnings());
        double held = r.heldOut() == null ? Double.NaN : r.heldOut().budget();
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> out = new ArrayList<>();
        ScalingStudy.Approach3 a3 = r.approach3();
        if (a3 != null) {
            Map<String, Double> p = new LinkedHashMap<>();
            Map<String, Double> lo = new LinkedHashMap<>();
            Map<String, Double> hi = new LinkedHashMap<>();
            a3.parameters().forEach((k, v) -> {
                p.put(k, v.value());
                lo.put(k, v.low());
                hi.put(k, v.high());
            });
            out.add(row(runId, source, "chinchilla", group, r.runs(), warnings, p, lo, hi, request, a3.fitted(), a3.fit().objective(), held,
                    a3.meanError(), a3.maxError(), now));
        } else {
            out.add(row(runId, source, "chinchilla", group, r.runs(), r.approach3Failure(), Map.of(), Map.of(), Map.of(), request, 0, Double.NaN,
                    held, Double.NaN, Double.NaN, now));
        }
        ScalingStudy.Approach2 a2 = r.approach2();
        if (a2 != null) {
            Map<String, Double> p = new LinkedHashMap<>();
            Map<String, Double> lo = new LinkedHashMap<>();
            Map<String, Double> hi = new LinkedHashMap<>();
            put(p, lo, hi, "a_N", a2.exponentN());
            p.put("k_N", a2.fit().scaleN());
            put(p, lo, hi, "a_D", a2.exponentD());
            p.put("k_D", a2.fit().scaleD());
            put(p, lo, hi, "c_L", a2.lossExponent());
            p.put("k_L", a2.lossScale());
            p.put("budgets", (double) a2.fit().budgets().size());
            double error = r.heldOut() == null ? Double.NaN : Math.abs(r.heldOut().lossError());
            out.add(row(runId, source, "isoflop", group, r.runs(), warnings, p, lo, hi, request, a2.fitted(), Double.NaN, held, error, error, now));
        } else {
            out.add(row(runId, source, "isoflop", group, r.runs(), r.approach2Failure(), Map.of(), Map.of(), Map.of(), request, 0, Double.NaN, held,
                    Double.NaN, Double.NaN, now));
        }
        return out;
    }

    private static void put(Map<String, Double> p, Map<String, Double> lo, Map<String, Double> hi, String key, ScalingStudy.Estimate e) {
        p.put(key, e.value());
        lo.put(key, e.low());
        hi.put(key, e.high());
    }

    private static Row row(String runId, String source, String form, Map<String, Object> group, int points, String message, Map<String, Double> p,
                           Map<String, Double> lo, Map<String, Double> hi, Request request, int fitted, double objective, double cutoff,
                           double meanError, double maxError, Timestamp now) {
        boolean ok = !p.isEmpty();
        return RowFactory.create(runId, source, form, Json.of(group), points, ok ? "ok" : "failed", message, Rows.figures(p), Rows.figures(lo),
                Rows.figures(hi), request.level(), fitted, Rows.nullable(objective), ok, Rows.nullable(cutoff), Rows.nullable(meanError),
                Rows.nullable(maxError), now);
    }

    private static String g(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
