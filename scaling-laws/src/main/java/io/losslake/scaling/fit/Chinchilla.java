package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hoffmann et al. (2022) Approach 3: L(N, D) = E + A/N^alpha + B/D^beta, fitted as
 * log L = LSE(a - alpha log N, b - beta log D, e) with A = exp(a), B = exp(b), E = exp(e), from
 * the paper's grid: alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1}, a, b in
 * {0, 5, ..., 25} (4,500 starts). Reports the compute-optimal allocation for C = 6 N D:
 * N_opt = G (C/6)^a_N, D_opt = G^-1 (C/6)^a_D, G = (alpha A / (beta B))^(1/(alpha+beta)),
 * a_N = beta/(alpha+beta), a_D = alpha/(alpha+beta).
 */
public final class Chinchilla implements LawForm {
    @Override
    public String name() {
        return "chinchilla";
    }

    @Override
    public String summary() {
        return "L(N, D) = E + A/N^alpha + B/D^beta (Hoffmann et al. Approach 3)";
    }

    @Override
    public int order() {
        return 30;
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
        double u = t[0] - t[3] * logX[0];
        double v = t[1] - t[4] * logX[1];
        double e = t[2];
        double max = Math.max(u, Math.max(v, e));
        double eu = Math.exp(u - max);
        double ev = Math.exp(v - max);
        double ee = Math.exp(e - max);
        double sum = eu + ev + ee;
        double wu = eu / sum;
        double wv = ev / sum;
        g[0] = wu;
        g[1] = wv;
        g[2] = ee / sum;
        g[3] = -wu * logX[0];
        g[4] = -wv * logX[1];
        return max + Math.log(sum);
    }

    @Override
    public List<double[]> grid() {
        List<double[]> out = new ArrayList<>(4500);
        for (double alpha : LawForm.range(0, 2, 0.5)) {
            for (double beta : LawForm.range(0, 2, 0.5)) {
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
        double alpha = t[3];
        double beta = t[4];
        r.put("E", Math.exp(t[2]));
        r.put("A", Math.exp(t[0]));
        r.put("B", Math.exp(t[1]));
        r.put("alpha", alpha);
        r.put("beta", beta);
        ComputeOptimal opt = ComputeOptimal.of(Math.exp(t[0]), Math.exp(t[1]), alpha, beta);
        r.put("G", opt.g());
        r.put("a_N", opt.exponentN());
        r.put("a_D", opt.exponentD());
        return r;
    }
}
