package io.losslake.scaling.fit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loss-to-loss prediction (Brandfonbrener et al., 2024, "Loss-to-Loss Prediction: Scaling Laws for
 * All Datasets"): a shifted power law between two losses of the same models (or of models paired by
 * size and data), L_y = K (L_x - E_x)^kappa + E_y, where E_x and E_y are the irreducible losses of
 * each side, taken from its own scaling-law fit or fitted here.
 *
 * <p>With E_x and E_y given, K and kappa are what the paper's code computes: the ordinary
 * least-squares line of log(L_y - E_y) on log(L_x - E_x) (closed form; checked against its published
 * kappa and K to 1e-4). With the offsets fitted too there is no such line, and all four are fitted
 * like the laws: Huber (delta 1e-3) on log-space residuals of L_y, summed, L-BFGS from a grid.
 */
public final class LossToLoss {
    /**
     * @param k     K
     * @param kappa kappa
     * @param ex    E_x
     * @param ey    E_y
     * @param fittedOffsets whether E_x and E_y were fitted (else given)
     * @param objective the summed Huber loss
     */
    public record Map2(double k, double kappa, double ex, double ey, boolean fittedOffsets, double objective) {
        /**
         * L_y predicted from {@code lx}. At or below E_x the reducible part of the x loss is gone and
         * the law's floor E_y is returned (as the paper's code does, max(L_x - E_x, 0)); see
         * {@link #belowOffset(double)}.
         */
        public double predict(double lx) {
            return lx <= ex ? ey : k * Math.pow(lx - ex, kappa) + ey;
        }

        /** Whether {@code lx} lies at or below E_x, where the law can only predict its floor E_y. */
        public boolean belowOffset(double lx) {
            return lx <= ex;
        }

        public Map<String, Double> parameters() {
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("K", k);
            p.put("kappa", kappa);
            p.put("E_x", ex);
            p.put("E_y", ey);
            return p;
        }
    }

    private LossToLoss() {
    }

    /**
     * Fits the map. With {@code ex} and {@code ey} given (not NaN) only K and kappa, by the log-log
     * line (every L_x above E_x and every L_y above E_y); else all four, with 0 < E_x < min L_x and
     * 0 < E_y < min L_y.
     */
    public static Map2 fit(double[] lx, double[] ly, double ex, double ey, Fitter.Options options) {
        if (lx.length != ly.length || lx.length < 2) {
            throw new IllegalArgumentException("A loss-to-loss fit needs at least two paired losses; got " + Math.min(lx.length, ly.length) + ".");
        }
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        for (int i = 0; i < lx.length; i++) {
            if (!(lx[i] > 0) || !(ly[i] > 0)) {
                throw new IllegalArgumentException("Losses must be positive; pair " + i + " is (" + lx[i] + ", " + ly[i] + ").");
            }
            minX = Math.min(minX, lx[i]);
            minY = Math.min(minY, ly[i]);
        }
        boolean fitOffsets = Double.isNaN(ex) || Double.isNaN(ey);
        if (!fitOffsets) {
            return regress(lx, ly, ex, ey, minX, minY);
        }
        if (fitOffsets && lx.length < 4) {
            throw new IllegalArgumentException("Fitting E_x and E_y with K and kappa needs at least 4 pairs; got " + lx.length + ".");
        }
        double[] logY = new double[ly.length];
        for (int i = 0; i < ly.length; i++) {
            logY[i] = Math.log(ly[i]);
        }
        final double mx = minX;
        final double my = minY;
        double delta = options.huberDelta();
        // theta = (log K, kappa[, ux, uy]) with E = min * sigmoid(u) keeping each offset in (0, min)
        Objective objective = (theta, grad) -> {
            java.util.Arrays.fill(grad, 0);
            double logK = theta[0];
            double kappa = theta[1];
            double offX = fitOffsets ? mx * sigmoid(theta[2]) : ex;
            double offY = fitOffsets ? my * sigmoid(theta[3]) : ey;
            double total = 0;
            for (int i = 0; i < lx.length; i++) {
                double shifted = lx[i] - offX;
                double power = Math.exp(logK + kappa * Math.log(shifted)); // K (Lx - Ex)^kappa
                double pred = power + offY;
                double r = Math.log(pred) - logY[i];
                double w;
                if (Math.abs(r) <= delta) {
                    total += 0.5 * r * r;
                    w = r;
                } else {
                    total += delta * (Math.abs(r) - 0.5 * delta);
                    w = delta * Math.signum(r);
                }
                double dPred = w / pred;
                grad[0] += dPred * power;
                grad[1] += dPred * power * Math.log(shifted);
                if (fitOffsets) {
                    double sx = sigmoid(theta[2]);
                    double sy = sigmoid(theta[3]);
                    grad[2] += dPred * power * kappa / shifted * (-mx * sx * (1 - sx));
                    grad[3] += dPred * my * sy * (1 - sy);
                }
            }
            return total;
        };
        double best = Double.POSITIVE_INFINITY;
        double[] bestTheta = null;
        for (double logK : LawForm.range(-4, 4, 1)) {
            for (double kappa : LawForm.range(0.25, 3, 0.25)) {
                List<double[]> starts = fitOffsets
                        ? List.of(new double[] {logK, kappa, -2, -2}, new double[] {logK, kappa, 0, 0}, new double[] {logK, kappa, 2, 2})
                        : List.of(new double[] {logK, kappa});
                for (double[] start : starts) {
                    Lbfgs.Result r = Lbfgs.minimize(objective, start, options.lbfgs());
                    if (Double.isFinite(r.value()) && r.value() < best) {
                        best = r.value();
                        bestTheta = r.x();
                    }
                }
            }
        }
        if (bestTheta == null) {
            throw new IllegalStateException("the loss-to-loss fit found no finite objective");
        }
        double offX = fitOffsets ? mx * sigmoid(bestTheta[2]) : ex;
        double offY = fitOffsets ? my * sigmoid(bestTheta[3]) : ey;
        return new Map2(Math.exp(bestTheta[0]), bestTheta[1], offX, offY, fitOffsets, best);
    }

    /** The least-squares line log(L_y - E_y) = log K + kappa log(L_x - E_x); its objective is the summed squared residual. */
    private static Map2 regress(double[] lx, double[] ly, double ex, double ey, double minX, double minY) {
        if (ex >= minX || ey >= minY) {
            throw new IllegalArgumentException("The given offsets must lie below every loss of their side: E_x " + ex + " (smallest x loss " + minX
                    + "), E_y " + ey + " (smallest y loss " + minY + ").");
        }
        int n = lx.length;
        double[] u = new double[n];
        double[] v = new double[n];
        double mu = 0;
        double mv = 0;
        for (int i = 0; i < n; i++) {
            u[i] = Math.log(lx[i] - ex);
            v[i] = Math.log(ly[i] - ey);
            mu += u[i] / n;
            mv += v[i] / n;
        }
        double suu = 0;
        double suv = 0;
        for (int i = 0; i < n; i++) {
            suu += (u[i] - mu) * (u[i] - mu);
            suv += (u[i] - mu) * (v[i] - mv);
        }
        if (!(suu > 0)) {
            throw new IllegalArgumentException("Every pair has the same x loss; the log-log line has no slope to fit.");
        }
        double kappa = suv / suu;
        double logK = mv - kappa * mu;
        double residual = 0;
        for (int i = 0; i < n; i++) {
            double r = v[i] - logK - kappa * u[i];
            residual += r * r;
        }
        return new Map2(Math.exp(logK), kappa, ex, ey, false, residual);
    }

    /**
     * Translates a Chinchilla law of the x side through the map: with L_x = E_x + A/N^alpha + B/D^beta
     * and L_y ~ K (L_x - E_x)^kappa + E_y, taking the two reducible terms' powers separately,
     * alpha' = kappa alpha, beta' = kappa beta, A' = K A^kappa, B' = K B^kappa, E' = E_y. In the
     * (A_s/N)^alpha parameterisation of Brandfonbrener et al. this is A_s' = A_s K^(1/(kappa alpha)).
     */
    public static Map<String, Double> translateChinchilla(Map<String, Double> law, Map2 map) {
        Map<String, Double> out = new LinkedHashMap<>();
        double alpha = law.get("alpha");
        double beta = law.get("beta");
        double a = law.get("A");
        double b = law.get("B");
        out.put("E", map.ey());
        out.put("A", map.k() * Math.pow(a, map.kappa()));
        out.put("B", map.k() * Math.pow(b, map.kappa()));
        out.put("alpha", map.kappa() * alpha);
        out.put("beta", map.kappa() * beta);
        return out;
    }

    private static double sigmoid(double u) {
        return 1 / (1 + Math.exp(-u));
    }
}
