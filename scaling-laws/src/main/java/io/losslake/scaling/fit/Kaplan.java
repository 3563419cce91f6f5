package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kaplan et al. (2020), eq. 1.5, with an irreducible term: L(N, D) = E + [(A/N)^(alpha/beta) + B/D]^beta,
 * fitted as log L = LSE(e, beta LSE((alpha/beta)(a - log N), b - log D)), A = exp(a), B = exp(b),
 * E = exp(e). Grid: alpha, beta in {0.05, 0.1, 0.25, 0.5, 1}, e in {-1, -0.5, ..., 1},
 * a, b in {0, 5, ..., 25}.
 */
public final class Kaplan implements LawForm {
    @Override
    public String name() {
        return "kaplan";
    }

    @Override
    public String summary() {
        return "L(N, D) = E + [(A/N)^(alpha/beta) + B/D]^beta (Kaplan et al.)";
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public List<String> inputs() {
        return List.of("N", "D");
    }

    @Override
    public List<String> thetaNames() {
        return List.of("a", "b", "e", "alpha", "beta");
    }

    @Override
    public double logPredict(double[] t, double[] logX, double[] g) {
        double alpha = t[3];
        double beta = t[4];
        if (!(beta > 1e-9)) {
            java.util.Arrays.fill(g, 0);
            return Double.NaN;
        }
        double base = t[0] - logX[0];
        double u = (alpha / beta) * base;
        double v = t[1] - logX[1];
        double inner = LawForm.logSumExp(u, v);
        double pu = Math.exp(u - inner);
        double pv = Math.exp(v - inner);
        double s = beta * inner;
        double out = LawForm.logSumExp(t[2], s);
        double qe = Math.exp(t[2] - out);
        double qs = Math.exp(s - out);
        g[0] = qs * pu * alpha;
        g[1] = qs * beta * pv;
        g[2] = qe;
        g[3] = qs * pu * base;
        g[4] = qs * (inner - pu * u);
        return out;
    }

    @Override
    public List<double[]> grid() {
        double[] exps = {0.05, 0.1, 0.25, 0.5, 1};
        List<double[]> out = new ArrayList<>();
        for (double alpha : exps) {
            for (double beta : exps) {
                for (double e : LawForm.range(-1, 1, 0.5)) {
                    for (double a : LawForm.range(0, 25, 5)) {
                        for (double b : LawForm.range(0, 25, 5)) {
                            out.add(new double[] {a, b, e, alpha, beta});
                        }
                    }
                }
            }
        }
        return out;
    }

    @Override
    public Map<String, Double> report(double[] t) {
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("E", Math.exp(t[2]));
        r.put("A", Math.exp(t[0]));
        r.put("B", Math.exp(t[1]));
        r.put("alpha", t[3]);
        r.put("beta", t[4]);
        return r;
    }
}
