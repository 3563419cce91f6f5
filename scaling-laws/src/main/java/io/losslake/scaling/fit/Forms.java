package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The law forms users fit, by name. */
public final class Forms {
    public static final List<String> NAMES = List.of("power", "power-no-e", "chinchilla", "kaplan");

    private Forms() {
    }

    public static LawForm byName(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "power" -> new PowerLaw();
            case "power-no-e" -> new PowerLawNoE();
            case "chinchilla" -> new Chinchilla();
            case "kaplan" -> new Kaplan();
            default -> throw new IllegalArgumentException("Invalid --form '" + name + "': expected one of " + String.join(", ", NAMES) + ".");
        };
    }

    /**
     * L(C) = E + A C^-alpha, as log L = LSE(a - alpha log C, e), A = exp(a), E = exp(e).
     * Grid: alpha in {0, 0.25, ..., 2}, e in {-1, -0.5, ..., 1}, a in {0, 2.5, ..., 25}.
     */
    public static final class PowerLaw implements LawForm {
        @Override
        public String name() {
            return "power";
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

    /** L(C) = A C^-alpha, as log L = a - alpha log C: a straight line in log-log space. */
    public static final class PowerLawNoE implements LawForm {
        @Override
        public String name() {
            return "power-no-e";
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

    /**
     * Hoffmann et al. (2022) Approach 3: L(N, D) = E + A/N^alpha + B/D^beta, fitted as
     * log L = LSE(a - alpha log N, b - beta log D, e) with A = exp(a), B = exp(b), E = exp(e), from
     * the paper's grid: alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1}, a, b in
     * {0, 5, ..., 25} (4,500 starts). Reports the compute-optimal allocation for C = 6 N D:
     * N_opt = G (C/6)^a_N, D_opt = G^-1 (C/6)^a_D, G = (alpha A / (beta B))^(1/(alpha+beta)),
     * a_N = beta/(alpha+beta), a_D = alpha/(alpha+beta).
     */
    public static final class Chinchilla implements LawForm {
        @Override
        public String name() {
            return "chinchilla";
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

    /**
     * Kaplan et al. (2020), eq. 1.5, with an irreducible term: L(N, D) = E + [(A/N)^(alpha/beta) + B/D]^beta,
     * fitted as log L = LSE(e, beta LSE((alpha/beta)(a - log N), b - log D)), A = exp(a), B = exp(b),
     * E = exp(e). Grid: alpha, beta in {0.05, 0.1, 0.25, 0.5, 1}, e in {-1, -0.5, ..., 1},
     * a, b in {0, 5, ..., 25}.
     */
    public static final class Kaplan implements LawForm {
        @Override
        public String name() {
            return "kaplan";
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
}
