package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Fits a {@link LawForm} the way Hoffmann et al. (2022) fit Approach 3: minimise the Huber loss
 * (delta 1e-3) of log-space residuals, SUMMED over points, with L-BFGS from every point of the
 * form's start grid, and keep the best. The sum matters: with a mean the objective and its gradient
 * shrink by the number of points and L-BFGS's tolerances stop it early (Besiroglu et al., 2024,
 * "Chinchilla Scaling: A replication attempt").
 */
public final class Fitter {
    /**
     * Settings of a fit: the Huber delta, the L-BFGS settings of the grid search (scipy's defaults),
     * and the tight settings that polish the best minima afterwards and refit bootstrap resamples
     * from warm starts (loose tolerances would stop those next to their start).
     */
    public record Options(double huberDelta, Lbfgs.Options lbfgs, Lbfgs.Options polish) {
        public static final Options DEFAULT = new Options(1e-3, Lbfgs.Options.DEFAULT, new Lbfgs.Options(10, 5000, 1e-10, 1e-15));
    }

    /**
     * A fitted law.
     *
     * @param theta      the fitted internal parameters
     * @param objective  the summed Huber loss at theta
     * @param converged  whether L-BFGS met a tolerance from the winning start
     * @param starts     starts tried
     * @param minima     the distinct local minima found, best first (warm starts for the bootstrap)
     * @param parameters theta as users read it, with derived quantities
     */
    public record Fit(LawForm form, double[] theta, double objective, boolean converged, int starts, List<double[]> minima,
                      Map<String, Double> parameters) {
        public double predict(double[] x) {
            return form.predict(theta, x);
        }
    }

    private Fitter() {
    }

    /** Fits from the form's whole start grid, then polishes the best distinct minima with tight tolerances. */
    public static Fit fit(LawForm form, FitData data, Options options) {
        Fit coarse = fitFrom(form, data, form.grid(), options.lbfgs(), options.huberDelta());
        Fit polished = fitFrom(form, data, coarse.minima(), options.polish(), options.huberDelta());
        return new Fit(form, polished.theta(), polished.objective(), polished.converged(), coarse.starts(), polished.minima(),
                polished.parameters());
    }

    /** Fits from the given starts with the tight (polishing) settings: bootstrap refits from warm starts. */
    public static Fit fitFrom(LawForm form, FitData data, List<double[]> starts, Options options) {
        return fitFrom(form, data, starts, options.polish(), options.huberDelta());
    }

    /**
     * Fits from the given starts (in parallel) and keeps the best; ties go to the earlier start, so
     * the result does not depend on thread scheduling.
     *
     * @throws IllegalArgumentException with fewer points than parameters
     */
    static Fit fitFrom(LawForm form, FitData data, List<double[]> starts, Lbfgs.Options lbfgs, double delta) {
        int k = form.thetaNames().size();
        if (data.size() < k) {
            throw new IllegalArgumentException("The " + form.name() + " form has " + k + " parameters but only " + data.size()
                    + " points were given; it needs at least " + k + ".");
        }
        double[][] logX = data.logX();
        double[] logY = data.logY();
        Objective objective = (theta, grad) -> huberObjective(form, logX, logY, theta, grad, delta);
        Lbfgs.Result[] results = new Lbfgs.Result[starts.size()];
        IntStream.range(0, starts.size()).parallel().forEach(i -> results[i] = Lbfgs.minimize(objective, starts.get(i), lbfgs));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < results.length; i++) {
            if (Double.isFinite(results[i].value())) {
                order.add(i);
            }
        }
        if (order.isEmpty()) {
            throw new IllegalStateException("no start of the " + form.name() + " fit reached a finite objective");
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> results[i].value()).thenComparingInt(i -> i));
        Lbfgs.Result best = results[order.get(0)];
        List<double[]> minima = new ArrayList<>();
        for (int i : order) {
            double[] x = results[i].x();
            boolean distinct = minima.stream().noneMatch(m -> close(m, x));
            if (distinct) {
                minima.add(x);
            }
            if (minima.size() == 8) {
                break;
            }
        }
        return new Fit(form, best.x(), best.value(), best.converged(), starts.size(), minima, form.report(best.x()));
    }

    private static boolean close(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > 1e-3 * Math.max(1, Math.abs(a[i]))) {
                return false;
            }
        }
        return true;
    }

    /** sum_i Huber_delta(logPredict(theta, x_i) - log y_i) and its gradient. */
    static double huberObjective(LawForm form, double[][] logX, double[] logY, double[] theta, double[] grad, double delta) {
        java.util.Arrays.fill(grad, 0);
        double[] g = new double[theta.length];
        double total = 0;
        for (int i = 0; i < logY.length; i++) {
            double r = form.logPredict(theta, logX[i], g) - logY[i];
            if (!Double.isFinite(r)) {
                return Double.POSITIVE_INFINITY;
            }
            double weight;
            if (Math.abs(r) <= delta) {
                total += 0.5 * r * r;
                weight = r;
            } else {
                total += delta * (Math.abs(r) - 0.5 * delta);
                weight = delta * Math.signum(r);
            }
            for (int j = 0; j < theta.length; j++) {
                grad[j] += weight * g[j];
            }
        }
        return total;
    }
}
