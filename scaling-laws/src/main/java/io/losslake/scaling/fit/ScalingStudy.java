package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * A compute-budget study read the ways the scaling-law papers read theirs, side by side on the same
 * runs, with the largest budget held out:
 * <ul>
 *   <li>Approach 3 (Hoffmann et al.): L(N, D) = E + A/N^alpha + B/D^beta fitted to every run of
 *       the fitted budgets (each seed a point), bootstrap intervals over the runs, the held-out
 *       runs predicted from their N and D;</li>
 *   <li>Approach 2: per budget a parabola in log N through the seed-mean losses, its vertex the
 *       budget's optimum, N_opt(C) and D_opt(C) as power laws; intervals from a seed-noise
 *       bootstrap (each replicate redraws every configuration's seeds with replacement and refits
 *       everything);</li>
 *   <li>the frontier L_opt(C) = k C^c (the DiT paper's loss-compute law, fitted to the vertices)
 *       and its prediction of the held-out budget's optimum.</li>
 * </ul>
 * Approach 3's compute-optimal exponent a = beta/(alpha+beta) does not depend on the constant in
 * C = k N D, so it compares with Approach 2's N_opt exponent whatever the FLOP accounting. Where
 * the runs do not determine a quantity, {@link Result#warnings()} says so in words.
 */
public final class ScalingStudy {
    /**
     * One run's final point.
     *
     * @param budget its compute budget C (runs of one budget share the value exactly)
     * @param n      parameters N
     * @param d      examples trained on D
     * @param loss   final evaluation loss
     * @param seed   its seed (runs of one budget and size differ only in it)
     */
    public record Point(double budget, double n, double d, double loss, long seed) {
    }

    /**
     * @param bootstrap  resamples for every interval (0: none)
     * @param seed       the bootstrap's seed
     * @param level      the intervals' confidence level
     * @param holdOut    hold the largest budget out of every fit and predict it
     */
    public record Options(int bootstrap, long seed, double level, boolean holdOut) {
        public Options {
            if (bootstrap < 0 || !(level > 0 && level < 1)) {
                throw new IllegalArgumentException("a study needs 0 or more bootstrap resamples and a level in (0, 1)");
            }
        }
    }

    /** An estimate with its interval (NaN bounds without a bootstrap). */
    public record Estimate(double value, double low, double high) {
        public double width() {
            return high - low;
        }

        public boolean overlaps(Estimate other) {
            return !(high < other.low || other.high < low);
        }

        @Override
        public String toString() {
            return Double.isNaN(low) ? fmt(value) : fmt(value) + " [" + fmt(low) + ", " + fmt(high) + "]";
        }
    }

    /**
     * Approach 3.
     *
     * @param parameters E, A, B, alpha, beta, a_N, a_D with intervals
     * @param fitted     bootstrap resamples that fitted
     * @param meanError  held-out runs: mean |relative error| of the seed-mean loss (NaN without hold-out)
     * @param maxError   ... and the largest
     * @param frontier   the law's own optimum loss at the held-out budget, along that budget's D(N)
     */
    public record Approach3(Fitter.Fit fit, Map<String, Estimate> parameters, int fitted, double meanError, double maxError, double frontier) {
    }

    /**
     * Approach 2 and the loss frontier.
     *
     * @param exponentN     a in N_opt = k C^a
     * @param exponentD     b in D_opt = k C^b
     * @param lossExponent  c in L_opt = k C^c (negative)
     * @param lossScale     k of L_opt
     * @param fit           the frontier: the budgets it was fitted to, their vertices and the lines through them
     * @param profiles      every fitted budget's parabola, its vertex inside its sizes or not (what the table and the
     *                      profile plot show)
     * @param fitted        seed-bootstrap replicates that fitted
     * @param dropped       fitted budgets without an upward parabola (left out)
     * @param extrapolated  budgets whose vertex lies outside their sizes and that the frontier leaves out (empty when
     *                      fewer than three budgets would remain: then they stay in, with a warning each)
     */
    public record Approach2(IsoFlop.Result fit, IsoFlop.Result profiles, Estimate exponentN, Estimate exponentD, Estimate lossExponent,
                            double lossScale, int fitted, List<Double> dropped, List<Double> extrapolated) {
        public double predictLoss(double c) {
            return lossScale * Math.pow(c, lossExponent.value());
        }

        public double predictN(double c) {
            return fit.scaleN() * Math.pow(c, fit.exponentN());
        }
    }

    /**
     * The held-out budget as observed and as predicted.
     *
     * @param observedN      its own parabola's vertex N (NaN if it has none), else its best size
     * @param observedLoss   its own parabola's vertex loss, else its lowest seed-mean loss
     * @param fromVertex     whether the observed figures are a vertex
     * @param predictedN     Approach 2's N_opt(C)
     * @param predictedLoss  the frontier L_opt(C)
     */
    public record HeldOut(double budget, int runs, double observedN, double observedLoss, boolean fromVertex, double predictedN,
                          double predictedLoss) {
        public double lossError() {
            return (predictedLoss - observedLoss) / observedLoss;
        }
    }

    public record Result(int runs, int configurations, List<Double> budgets, Approach3 approach3, Approach2 approach2, HeldOut heldOut,
                         List<String> warnings, String approach3Failure, String approach2Failure) {
    }

    /** A budget and size with its seeds' losses. */
    private record Config(double budget, double n, double d, double[] losses) {
        double mean() {
            return Arrays.stream(losses).average().orElseThrow();
        }
    }

    private ScalingStudy() {
    }

    public static Result run(List<Point> points, Options options) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("a study needs runs; none were given");
        }
        TreeSet<Double> budgets = new TreeSet<>();
        points.forEach(p -> budgets.add(p.budget()));
        if (budgets.size() < (options.holdOut() ? 3 : 2)) {
            throw new IllegalArgumentException("a study needs at least " + (options.holdOut() ? 3 : 2) + " compute budgets"
                    + (options.holdOut() ? " (one is held out)" : "") + "; found " + budgets.size());
        }
        double heldBudget = options.holdOut() ? budgets.last() : Double.NaN;
        List<Point> fitPoints = points.stream().filter(p -> p.budget() != heldBudget).toList();
        List<Config> configs = configs(points);
        List<Config> fitConfigs = configs.stream().filter(c -> c.budget() != heldBudget).toList();
        List<Config> heldConfigs = configs.stream().filter(c -> c.budget() == heldBudget).toList();
        List<String> warnings = new ArrayList<>();

        Approach3 a3 = null;
        String a3Failure = null;
        try {
            a3 = approach3(fitPoints, heldConfigs, options, warnings);
        } catch (IllegalArgumentException | IllegalStateException e) {
            a3Failure = e.getMessage();
            warnings.add("Approach 3 failed: " + e.getMessage());
        }
        Approach2 a2 = null;
        String a2Failure = null;
        try {
            a2 = approach2(fitConfigs, options, warnings);
        } catch (IllegalArgumentException e) {
            a2Failure = e.getMessage();
            warnings.add("Approach 2 failed: " + e.getMessage());
        }
        HeldOut held = null;
        if (options.holdOut() && a2 != null) {
            held = heldOut(heldBudget, heldConfigs, a2);
        }
        if (a2 != null && a3 != null) {
            Estimate a3N = a3.parameters().get("a_N");
            if (!Double.isNaN(a3N.low()) && !Double.isNaN(a2.exponentN().low()) && !a3N.overlaps(a2.exponentN())) {
                warnings.add("Approaches 2 and 3 disagree on the compute-optimal exponent a: " + a2.exponentN() + " vs " + a3N
                        + " (intervals do not overlap).");
            }
        }
        return new Result(points.size(), configs.size(), List.copyOf(budgets), a3, a2, held, warnings, a3Failure, a2Failure);
    }

    private static List<Config> configs(List<Point> points) {
        Map<List<Double>, List<Point>> by = new TreeMap<>((x, y) -> x.get(0).equals(y.get(0)) ? Double.compare(x.get(1), y.get(1))
                : Double.compare(x.get(0), y.get(0)));
        for (Point p : points) {
            by.computeIfAbsent(List.of(p.budget(), p.n()), k -> new ArrayList<>()).add(p);
        }
        List<Config> out = new ArrayList<>();
        for (List<Point> ps : by.values()) {
            double d = ps.stream().mapToDouble(Point::d).average().orElseThrow();
            out.add(new Config(ps.get(0).budget(), ps.get(0).n(), d, ps.stream().mapToDouble(Point::loss).toArray()));
        }
        return out;
    }

    private static Approach3 approach3(List<Point> fitPoints, List<Config> held, Options options, List<String> warnings) {
        LawForm law = Forms.byName("chinchilla");
        double[][] x = fitPoints.stream().map(p -> new double[] {p.n(), p.d()}).toArray(double[][]::new);
        FitData data = new FitData(x, fitPoints.stream().mapToDouble(Point::loss).toArray());
        Fitter.Fit fit = Fitter.fit(law, data, Fitter.Options.DEFAULT);
        if (!fit.converged()) {
            throw new IllegalStateException("L-BFGS did not converge from any start");
        }
        Map<String, Estimate> params = new LinkedHashMap<>();
        int fitted = 0;
        Bootstrap.Intervals ci = null;
        if (options.bootstrap() > 0) {
            ci = Bootstrap.run(fit, data, options.bootstrap(), options.seed(), options.level(), Fitter.Options.DEFAULT);
            fitted = ci.fitted();
        }
        for (Map.Entry<String, Double> e : fit.parameters().entrySet()) {
            double[] b = ci == null ? new double[] {Double.NaN, Double.NaN} : ci.bounds().get(e.getKey());
            params.put(e.getKey(), new Estimate(e.getValue(), b[0], b[1]));
        }
        double minLoss = Arrays.stream(data.y()).min().orElseThrow();
        double e = fit.parameters().get("E");
        if (e < 1e-3 * minLoss) {
            warnings.add(String.format(Locale.ROOT, "Approach 3: E is at its lower bound (%.2g, against losses from %.3g): the runs do not show an "
                    + "irreducible loss, and alpha and beta absorb it.", e, minLoss));
        }
        for (String name : List.of("alpha", "beta")) {
            Estimate est = params.get(name);
            if (!Double.isNaN(est.low()) && est.width() > 0.1) {
                warnings.add(String.format(Locale.ROOT, "Approach 3: %s's %.0f%% interval is %.3g wide [%s, %s]: the runs do not pin it down to 0.1.",
                        name, 100 * options.level(), est.width(), fmt(est.low()), fmt(est.high())));
            }
        }
        if (ci != null && fitted < 0.9 * options.bootstrap()) {
            warnings.add("Approach 3: only " + fitted + " of " + options.bootstrap() + " bootstrap resamples fitted; the intervals are unreliable.");
        }
        double meanError = Double.NaN;
        double maxError = Double.NaN;
        double frontier = Double.NaN;
        if (!held.isEmpty()) {
            double sum = 0;
            double max = 0;
            for (Config c : held) {
                double err = Math.abs(fit.predict(new double[] {c.n(), c.d()}) - c.mean()) / c.mean();
                sum += err;
                max = Math.max(max, err);
            }
            meanError = sum / held.size();
            maxError = max;
            frontier = frontierAlong(fit, held);
        }
        return new Approach3(fit, params, fitted, meanError, maxError, frontier);
    }

    /** The law's lowest loss along the held-out budget's D(N) line, between a quarter of its smallest size and four times its largest. */
    private static double frontierAlong(Fitter.Fit fit, List<Config> budget) {
        double[] logN = budget.stream().mapToDouble(c -> Math.log(c.n())).toArray();
        double[] logD = budget.stream().mapToDouble(c -> Math.log(c.d())).toArray();
        double[] line = logN.length > 1 ? IsoFlop.line(logN, logD) : new double[] {logD[0] + logN[0], -1};
        double lo = Arrays.stream(logN).min().orElseThrow() - Math.log(4);
        double hi = Arrays.stream(logN).max().orElseThrow() + Math.log(4);
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= 2000; i++) {
            double ln = lo + (hi - lo) * i / 2000;
            best = Math.min(best, fit.predict(new double[] {Math.exp(ln), Math.exp(line[0] + line[1] * ln)}));
        }
        return best;
    }

    private static Approach2 approach2(List<Config> configs, Options options, List<String> warnings) {
        Frontier full = frontier(configs, null);
        List<Double> dropped = new ArrayList<>();
        TreeSet<Double> kept = new TreeSet<>();
        full.iso().budgets().forEach(b -> kept.add(b.flops()));
        configs.stream().map(Config::budget).distinct().filter(b -> !kept.contains(b)).forEach(dropped::add);
        if (!dropped.isEmpty()) {
            warnings.add("Approach 2: budget(s) " + dropped.stream().map(ScalingStudy::fmt).toList()
                    + " have no upward parabola in log N (their sizes do not bracket an optimum) and are left out.");
        }
        // A vertex outside the budget's sizes is the parabola's extrapolation, not a measured optimum: Hoffmann et al. and
        // the DiT paper centre each budget's sizes on its optimum so that every vertex is inside. The frontier lines are
        // fitted to the budgets whose vertex is, when at least three are; with fewer, all stay in and each is warned about.
        IsoFlop.Result profiles = full.iso();
        List<Double> outside = profiles.budgets().stream().filter(b -> !b.bracketed()).map(IsoFlop.Budget::flops).toList();
        List<Double> extrapolated = List.of();
        List<Config> used = configs;
        if (!outside.isEmpty() && profiles.budgets().size() - outside.size() >= 3) {
            extrapolated = outside;
            used = configs.stream().filter(k -> kept.contains(k.budget()) && !outside.contains(k.budget())).toList();
            full = frontier(used, null);
            warnings.add("Approach 2: the optimum of budget(s) " + outside.stream().map(ScalingStudy::fmt).toList() + " lies outside the sizes "
                    + "trained (its vertex would be extrapolated), so N_opt(C), D_opt(C) and L_opt(C) are fitted to the other "
                    + full.iso().budgets().size() + " budgets; train smaller or larger sizes there to bring them in.");
        } else {
            for (IsoFlop.Budget b : profiles.budgets()) {
                if (!b.bracketed()) {
                    warnings.add(String.format(Locale.ROOT, "Approach 2: budget %s's optimum N %s lies outside the sizes trained [%s, %s]; "
                            + "its vertex is extrapolated.", fmt(b.flops()), fmt(b.optimalN()), fmt(b.minN()), fmt(b.maxN())));
                }
            }
        }
        List<Config> sample = used;
        double[] aN = new double[0];
        double[] aD = new double[0];
        double[] cL = new double[0];
        if (options.bootstrap() > 0) {
            Frontier[] slots = new Frontier[options.bootstrap()];
            IntStream.range(0, options.bootstrap()).parallel().forEach(b -> {
                SplittableRandom random = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + 0x51ED + b);
                try {
                    slots[b] = frontier(sample, random);
                } catch (IllegalArgumentException e) {
                    slots[b] = null;
                }
            });
            List<Frontier> ok = Arrays.stream(slots).filter(java.util.Objects::nonNull).toList();
            aN = ok.stream().mapToDouble(f -> f.iso().exponentN()).sorted().toArray();
            aD = ok.stream().mapToDouble(f -> f.iso().exponentD()).sorted().toArray();
            cL = ok.stream().mapToDouble(f -> f.loss()[1]).sorted().toArray();
            if (ok.size() < 0.9 * options.bootstrap()) {
                warnings.add("Approach 2: only " + ok.size() + " of " + options.bootstrap() + " seed-bootstrap replicates fitted.");
            }
            boolean oneSeed = configs.stream().allMatch(c -> c.losses().length == 1);
            if (oneSeed) {
                warnings.add("Approach 2: every configuration has one seed, so the seed bootstrap has no noise to draw from and its intervals are "
                        + "zero-width; train several seeds.");
            }
        }
        Approach2 a2 = new Approach2(full.iso(), profiles, estimate(full.iso().exponentN(), aN, options.level()),
                estimate(full.iso().exponentD(), aD, options.level()), estimate(full.loss()[1], cL, options.level()), Math.exp(full.loss()[0]),
                aN.length, dropped, extrapolated);
        if (full.iso().budgets().size() == 2) {
            warnings.add("Approach 2: only two budgets have an optimum, so each frontier line passes exactly through them; its interval shows seed "
                    + "noise only.");
        }
        return a2;
    }

    /** Approach 2 on seed-mean losses, or on one seed-bootstrap replicate of them. */
    private record Frontier(IsoFlop.Result iso, double[] loss) {
    }

    private static Frontier frontier(List<Config> configs, SplittableRandom random) {
        double[] c = new double[configs.size()];
        double[] n = new double[c.length];
        double[] d = new double[c.length];
        double[] l = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            Config k = configs.get(i);
            c[i] = k.budget();
            n[i] = k.n();
            d[i] = k.d();
            if (random == null) {
                l[i] = k.mean();
            } else {
                double sum = 0;
                for (int j = 0; j < k.losses().length; j++) {
                    sum += k.losses()[random.nextInt(k.losses().length)];
                }
                l[i] = sum / k.losses().length;
            }
        }
        IsoFlop.Result iso = IsoFlop.fit(c, n, d, l);
        double[] logC = iso.budgets().stream().mapToDouble(b -> Math.log(b.flops())).toArray();
        double[] logL = iso.budgets().stream().mapToDouble(b -> Math.log(b.optimalLoss())).toArray();
        return new Frontier(iso, IsoFlop.line(logC, logL));
    }

    private static HeldOut heldOut(double budget, List<Config> held, Approach2 a2) {
        IsoFlop.Budget own = null;
        try {
            IsoFlop.Result r = IsoFlop.fit(held.stream().mapToDouble(Config::budget).toArray(), held.stream().mapToDouble(Config::n).toArray(),
                    held.stream().mapToDouble(Config::d).toArray(), held.stream().mapToDouble(Config::mean).toArray(), 1);
            own = r.budgets().get(0);
        } catch (IllegalArgumentException e) {
            // the held-out budget's sizes admit no parabola: compared by its best run below
        }
        double observedN;
        double observedLoss;
        boolean vertex = own != null && own.bracketed();
        if (vertex) {
            observedN = own.optimalN();
            observedLoss = own.optimalLoss();
        } else {
            Config best = held.stream().min((x, y) -> Double.compare(x.mean(), y.mean())).orElseThrow();
            observedN = best.n();
            observedLoss = best.mean();
        }
        return new HeldOut(budget, held.stream().mapToInt(k -> k.losses().length).sum(), observedN, observedLoss, vertex, a2.predictN(budget),
                a2.predictLoss(budget));
    }

    private static Estimate estimate(double value, double[] sorted, double level) {
        if (sorted.length == 0) {
            return new Estimate(value, Double.NaN, Double.NaN);
        }
        double lo = (1 - level) / 2;
        return new Estimate(value, Bootstrap.quantile(sorted, lo), Bootstrap.quantile(sorted, 1 - lo));
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
