package io.losslake.scaling.fit;

import io.losslake.common.Descriptor;
import java.util.List;
import java.util.Map;

/**
 * A parametric scaling law, fitted in log space: the form predicts log L from the logs of its inputs
 * with parameters theta (log-scales and exponents), and knows its analytic gradient and its grid
 * of starting points. {@link #report} turns theta into the parameters users read (E, A, alpha, ...)
 * and any derived quantities. Each form is one file of this package with a public no-argument
 * constructor; {@link Forms} finds them all, and {@code fit --form} takes their names.
 */
public interface LawForm extends Descriptor {
    Kind KIND = new Kind("--form", "form", "options");

    @Override
    default Kind kind() {
        return KIND;
    }

    /** The inputs, in the order of a point's x values: C (compute), N (parameters) or D (examples seen), e.g. [C] or [N, D]. */
    List<String> inputs();

    /** The names of theta's entries. */
    List<String> thetaNames();

    /** log L at logX, with d(log L)/d(theta) written into {@code gradient}. */
    double logPredict(double[] theta, double[] logX, double[] gradient);

    /** The starting points of the multi-start search. */
    List<double[]> grid();

    /** The fitted parameters as users read them, plus derived quantities. */
    Map<String, Double> report(double[] theta);

    /** L at x (not logs). */
    default double predict(double[] theta, double[] x) {
        double[] logX = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            logX[i] = Math.log(x[i]);
        }
        return Math.exp(logPredict(theta, logX, new double[theta.length]));
    }

    /** log(exp(a) + exp(b)) without overflow. */
    static double logSumExp(double a, double b) {
        double max = Math.max(a, b);
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
    }

    /** An evenly spaced inclusive range. */
    static double[] range(double from, double to, double step) {
        int n = (int) Math.round((to - from) / step) + 1;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = from + i * step;
        }
        return out;
    }
}
