package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * L(C) = E + A C^-alpha, as log L = LSE(a - alpha log C, e), A = exp(a), E = exp(e).
 * Grid: alpha in {0, 0.25, ..., 2}, e in {-1, -0.5, ..., 1}, a in {0, 2.5, ..., 25}.
 */
public final class PowerLaw implements LawForm {
    @Override
    public String name() {
        return "power";
    }

    @Override
    public String summary() {
        return "L(C) = E + A C^-alpha";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public List<String> inputs() {
        return List.of("C");
    }

    @Override
    public List<String> thetaNames() {
        return List.of("a", "alpha", "e");
    }

    @Override
    public double logPredict(double[] t, double[] logX, double[] g) {
        double u = t[0] - t[1] * logX[0];
        double lse = LawForm.logSumExp(u, t[2]);
        double wu = Math.exp(u - lse);
        g[0] = wu;
        g[1] = -wu * logX[0];
        g[2] = 1 - wu;
        return lse;
    }

    @Override
    public List<double[]> grid() {
        List<double[]> out = new ArrayList<>();
        for (double a : LawForm.range(0, 25, 2.5)) {
            for (double alpha : LawForm.range(0, 2, 0.25)) {
                for (double e : LawForm.range(-1, 1, 0.5)) {
                    out.add(new double[] {a, alpha, e});
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
        r.put("alpha", t[1]);
        return r;
    }
}
