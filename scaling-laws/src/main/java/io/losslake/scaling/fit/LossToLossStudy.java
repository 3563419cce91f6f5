package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A loss-to-loss study between two sides, done as Brandfonbrener et al. (2024) do it: the rows of
 * each side pair up by a key (the same model and data on two training sets, or one model on two
 * evaluation sets); some pairs are held out (the user's filter, e.g. the largest runs, or the pairs
 * of the largest x-side compute); each side's irreducible loss E comes from that side's own scaling
 * law fitted on its rows outside the held-out set only; K and kappa of
 * L_y = K (L_x - E_x)^kappa + E_y are fitted on the remaining pairs; the held-out pairs are then
 * predicted. No held-out row reaches any fit.
 *
 * <p>The paper's code fits E of each side with the Kaplan form L(N, D) = E + [(A/N)^(alpha/beta) +
 * B/D]^beta on its sweep (its extrapolation runs are a separate file) and uses those E's in the
 * loss-to-loss fits, then K and kappa as the least-squares line of log(L_y - E_y) on
 * log(L_x - E_x); {@code CHINCHILLA} is the other form its code fits. Pairs whose x loss lies at or
 * below E_x (or y loss at or below E_y) have no place on that line (the paper's curve is
 * max(L_x - E_x, 0)); they are left out of the map's fit and counted. Predicting a held-out x loss
 * at or below E_x gives E_y, flagged.
 */
public final class LossToLossStudy {
    /** Where E_x and E_y come from. */
    public enum Offsets {
        LAW("law", new PowerLaw()),
        KAPLAN("kaplan", new Kaplan()),
        CHINCHILLA("chinchilla", new Chinchilla()),
        FIT("fit", null);

        private final String spelling;
        private final LawForm form;

        Offsets(String spelling, LawForm form) {
            this.spelling = spelling;
            this.form = form;
        }

        public String spelling() {
            return spelling;
        }

        /** The law fitted to each side for its E, or null when the offsets are fitted with the map. */
        public LawForm form() {
            return form;
        }

        /** Whether each side's law needs N and D (else compute). */
        public boolean needsSizeAndData() {
            return this == KAPLAN || this == CHINCHILLA;
        }

        /** @throws IllegalArgumentException one sentence naming the accepted values */
        public static Offsets parse(String s) {
            for (Offsets o : values()) {
                if (o.spelling.equals(s == null ? null : s.toLowerCase(Locale.ROOT))) {
                    return o;
                }
            }
            throw new IllegalArgumentException("Invalid --offsets '" + s + "': expected kaplan, chinchilla, law or fit.");
        }
    }

    /**
     * One row of one side.
     *
     * @param key     the pairing key
     * @param flops   C (orders the pairs for a held-out fraction; the input of {@code LAW})
     * @param n       N, for {@code KAPLAN} and {@code CHINCHILLA} (else ignored)
     * @param d       D, likewise
     * @param heldOut whether the user's hold-out filter names this row
     */
    public record Point(List<Object> key, double loss, double flops, double n, double d, boolean heldOut) {
    }

    /**
     * @param extrapolateFraction when no point is marked held out: the share of pairs, those of the
     *                            largest x-side compute, held out
     */
    public record Options(Offsets offsets, double extrapolateFraction, Fitter.Options fit) {
    }

    /** One held-out pair and its prediction. */
    public record Prediction(List<Object> key, double lx, double actual, double predicted, boolean belowOffset) {
        /** (predicted - actual) / actual. */
        public double relativeError() {
            return (predicted - actual) / actual;
        }
    }

    /**
     * @param map             the fitted law
     * @param fitted          pairs the map was fitted on
     * @param belowOffset     fitting pairs left out because L_x <= E_x or L_y <= E_y
     * @param heldOut         the held-out pairs, predicted, in order of x compute
     * @param xLaw            the x side's law parameters (empty for {@code FIT})
     * @param yLaw            the y side's
     * @param xLawRows        the x rows outside the held-out set: what the x side's law was fitted on
     * @param yLawRows        the y rows likewise
     */
    public record Result(LossToLoss.Map2 map, int fitted, int belowOffset, List<Prediction> heldOut, Map<String, Double> xLaw,
                         Map<String, Double> yLaw, List<Point> xLawRows, List<Point> yLawRows) {
        /** Mean |relative error| over the held-out pairs; NaN when none. */
        public double meanError() {
            return heldOut.stream().mapToDouble(p -> Math.abs(p.relativeError())).average().orElse(Double.NaN);
        }

        /** Largest |relative error| over the held-out pairs; NaN when none. */
        public double maxError() {
            return heldOut.stream().mapToDouble(p -> Math.abs(p.relativeError())).max().orElse(Double.NaN);
        }
    }

    private record Pair(Point x, Point y) {
    }

    private LossToLossStudy() {
    }

    /**
     * Pairs, holds out, fits and predicts.
     *
     * @param xs the x side's rows, keys unique
     * @param ys the y side's rows, keys unique
     * @throws IllegalArgumentException one sentence when the data cannot support the study (no
     *                                  pairs, no held-out or no fitting pairs, too few rows for a law)
     */
    public static Result fit(List<Point> xs, List<Point> ys, Options options) {
        return fit(xs, ys, options, new HashMap<>());
    }

    /**
     * As {@link #fit(List, List, Options)}, reusing side laws already fitted on the same rows: a
     * matrix of sides fits each side's law once, not once per partner.
     *
     * @param laws side laws by the rows they were fitted on, read and filled
     */
    public static Result fit(List<Point> xs, List<Point> ys, Options options, Map<List<Point>, Map<String, Double>> laws) {
        Map<List<Object>, Point> yByKey = new HashMap<>();
        for (Point y : ys) {
            if (yByKey.put(y.key(), y) != null) {
                throw new IllegalArgumentException("Two y rows share the pairing key " + y.key() + ".");
            }
        }
        Map<List<Object>, Point> xByKey = new HashMap<>();
        List<Pair> pairs = new ArrayList<>();
        for (Point x : xs) {
            if (xByKey.put(x.key(), x) != null) {
                throw new IllegalArgumentException("Two x rows share the pairing key " + x.key() + ".");
            }
            Point y = yByKey.get(x.key());
            if (y != null) {
                pairs.add(new Pair(x, y));
            }
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("No x row pairs with a y row: the two sides share no pairing key.");
        }
        pairs.sort(Comparator.comparingDouble((Pair p) -> p.x().flops()));

        // the held-out pairs, and every row kept out of the side laws
        Set<Point> excluded = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Pair> held = new ArrayList<>();
        List<Pair> fitting = new ArrayList<>();
        boolean marked = xs.stream().anyMatch(Point::heldOut) || ys.stream().anyMatch(Point::heldOut);
        if (marked) {
            for (Pair p : pairs) {
                (p.x().heldOut() || p.y().heldOut() ? held : fitting).add(p);
            }
            if (held.isEmpty()) {
                throw new IllegalArgumentException("The hold-out filter names rows, but none of them belongs to a pair; there is nothing to predict.");
            }
            xs.stream().filter(Point::heldOut).forEach(excluded::add);
            ys.stream().filter(Point::heldOut).forEach(excluded::add);
        } else {
            int count = (int) Math.floor(options.extrapolateFraction() * pairs.size());
            if (count > 0) {
                double cutX = pairs.get(pairs.size() - count).x().flops();
                for (Pair p : pairs) {
                    (p.x().flops() >= cutX ? held : fitting).add(p);
                }
                double cutY = held.stream().mapToDouble(p -> p.y().flops()).min().orElseThrow();
                xs.stream().filter(x -> x.flops() >= cutX).forEach(excluded::add);
                ys.stream().filter(y -> y.flops() >= cutY).forEach(excluded::add);
            } else {
                fitting.addAll(pairs);
            }
        }
        for (Pair p : held) {
            excluded.add(p.x());
            excluded.add(p.y());
        }
        if (fitting.isEmpty()) {
            throw new IllegalArgumentException("Every one of the " + pairs.size() + " pairs is held out; none is left to fit the map on.");
        }
        List<Point> xLawRows = xs.stream().filter(p -> !excluded.contains(p)).toList();
        List<Point> yLawRows = ys.stream().filter(p -> !excluded.contains(p)).toList();

        double ex = Double.NaN;
        double ey = Double.NaN;
        Map<String, Double> xLaw = Map.of();
        Map<String, Double> yLaw = Map.of();
        Offsets offsets = options.offsets();
        if (offsets.form() != null) {
            xLaw = laws.containsKey(xLawRows) ? laws.get(xLawRows) : sideLaw(offsets, xLawRows, "x", options.fit());
            laws.put(xLawRows, xLaw);
            yLaw = laws.containsKey(yLawRows) ? laws.get(yLawRows) : sideLaw(offsets, yLawRows, "y", options.fit());
            laws.put(yLawRows, yLaw);
            ex = xLaw.get("E");
            ey = yLaw.get("E");
        }
        List<Pair> used = new ArrayList<>();
        for (Pair p : fitting) {
            if (Double.isNaN(ex) || p.x().loss() > ex && p.y().loss() > ey) {
                used.add(p);
            }
        }
        int needed = offsets == Offsets.FIT ? 5 : 3;
        if (used.size() < needed) {
            throw new IllegalArgumentException(used.size() + " pairs are left to fit the map on" + (used.size() < fitting.size()
                    ? " (" + (fitting.size() - used.size()) + " more lie at or below E_x = " + String.format(Locale.ROOT, "%.4g", ex) + " or E_y = "
                    + String.format(Locale.ROOT, "%.4g", ey) + ")" : "")
                    + "; fitting K and kappa" + (offsets == Offsets.FIT ? " with E_x and E_y" : "") + " needs at least " + needed + ".");
        }
        double[] lx = used.stream().mapToDouble(p -> p.x().loss()).toArray();
        double[] ly = used.stream().mapToDouble(p -> p.y().loss()).toArray();
        LossToLoss.Map2 map = LossToLoss.fit(lx, ly, ex, ey, options.fit());
        List<Prediction> predictions = new ArrayList<>();
        for (Pair p : held) {
            double x = p.x().loss();
            predictions.add(new Prediction(p.x().key(), x, p.y().loss(), map.predict(x), map.belowOffset(x)));
        }
        return new Result(map, used.size(), fitting.size() - used.size(), List.copyOf(predictions), xLaw, yLaw, xLawRows, yLawRows);
    }

    /** The side's own law fitted on its rows outside the held-out set. */
    private static Map<String, Double> sideLaw(Offsets offsets, List<Point> rows, String side, Fitter.Options options) {
        LawForm form = offsets.form();
        int needed = form.thetaNames().size() + 1;
        if (rows.size() < needed) {
            throw new IllegalArgumentException("The " + side + " side has " + rows.size() + " rows outside the held-out set; its " + form.name()
                    + " law for E_" + side + " (--offsets " + offsets.spelling() + ") needs at least " + needed + ".");
        }
        double[][] in = rows.stream()
                .map(p -> offsets.needsSizeAndData() ? new double[] {p.n(), p.d()} : new double[] {p.flops()})
                .toArray(double[][]::new);
        double[] loss = rows.stream().mapToDouble(Point::loss).toArray();
        return Fitter.fit(form, new FitData(in, loss), options).parameters();
    }
}
