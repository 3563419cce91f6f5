package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** L(C) = A C^-alpha, as log L = a - alpha log C: a straight line in log-log space. */
public final class PowerLawNoE implements LawForm {
    @Override
    public String name() {
        return "power-no-e";
    }

    @Override
    public String summary() {
        return "L(C) = A C^-alpha";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public List<String> inputs() {
        return List.of("C");
    }

    @Override
    public List<String> thetaNames() {
        return List.of("a", "alpha");
    }

    @Override
    public double logPredict(double[] t, double[] logX, double[] g) {
        g[0] = 1;
        g[1] = -logX[0];
        return t[0] - t[1] * logX[0];
    }

    @Override
    public List<double[]> grid() {
        List<double[]> out = new ArrayList<>();
        for (double a : LawForm.range(0, 25, 5)) {
            for (double alpha : LawForm.range(0, 2, 0.5)) {
                out.add(new double[] {a, alpha});
            }
        }
        return out;
    }

    @Override
    public Map<String, Double> report(double[] t) {
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("A", Math.exp(t[0]));
        r.put("alpha", t[1]);
        return r;
    }
}
