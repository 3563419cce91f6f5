package io.losslake.scaling.plot;

import io.losslake.scaling.fit.Bootstrap;
import io.losslake.scaling.fit.ComputeOptimal;
import io.losslake.scaling.fit.Extrapolation;
import io.losslake.scaling.fit.FitData;
import io.losslake.scaling.fit.Fitter;
import io.losslake.scaling.fit.IsoFlop;
import io.losslake.scaling.fit.LossToLoss;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The standard scaling-law figures. */
public final class Plots {
    private static final int CURVE_POINTS = 80;

    private Plots() {
    }

    /** One fitted group: its points, its fit, its bootstrap (or null). */
    public record Group(String name, FitData data, Fitter.Fit fit, Bootstrap.Intervals intervals) {
    }

    /**
     * Loss against compute: for a one-input law (C), each group's points, fitted curve and 95% band;
     * for a two-input law (N, D), points and curves per model size N against C = 6 N D, and the
     * compute-optimal frontier where the law has one.
     */
    public static Figure lossVsCompute(String title, List<Group> groups) {
        Figure f = new Figure(title, "compute C (FLOPs)", "loss", true, true);
        int color = 0;
        for (Group g : groups) {
            FitData d = g.data();
            if (g.fit().form().inputs().size() == 1) {
                double[] c = Arrays.stream(d.x()).mapToDouble(x -> x[0]).toArray();
                double[] grid = Figure.grid(min(c), max(c) * 4, CURVE_POINTS, true);
                if (g.intervals() != null) {
                    double[] lo = new double[grid.length];
                    double[] hi = new double[grid.length];
                    for (int i = 0; i < grid.length; i++) {
                        double[] b = g.intervals().band(g.fit().form(), new double[] {grid[i]});
                        lo[i] = b[0];
                        hi[i] = b[1];
                    }
                    f.band("", grid, lo, hi, color);
                }
                f.points(g.name(), c, d.y(), color);
                f.line(g.name() + " fit", grid, Arrays.stream(grid).map(x -> g.fit().predict(new double[] {x})).toArray(), color);
                color++;
            } else {
                Map<Double, double[][]> bySize = new TreeMap<>();
                for (int i = 0; i < d.size(); i++) {
                    bySize.merge(d.x()[i][0], new double[][] {{6 * d.x()[i][0] * d.x()[i][1], d.y()[i]}}, Plots::concat);
                }
                double cMin = Arrays.stream(d.x()).mapToDouble(x -> 6 * x[0] * x[1]).min().orElse(1);
                double cMax = Arrays.stream(d.x()).mapToDouble(x -> 6 * x[0] * x[1]).max().orElse(1);
                Map<String, Double> params = g.fit().parameters();
                if (params.containsKey("G")) {
                    ComputeOptimal opt = new ComputeOptimal(params.get("G"), params.get("a_N"), params.get("a_D"));
                    double[] grid = Figure.grid(cMin, cMax * 4, CURVE_POINTS, true);
                    f.dashed("compute-optimal", grid,
                            Arrays.stream(grid).map(cc -> g.fit().predict(new double[] {opt.optimalN(cc), opt.optimalD(cc)})).toArray(), 9);
                }
                for (Map.Entry<Double, double[][]> e : bySize.entrySet()) {
                    double n = e.getKey();
                    double[] cs = Arrays.stream(e.getValue()).mapToDouble(p -> p[0]).toArray();
                    double[] ls = Arrays.stream(e.getValue()).mapToDouble(p -> p[1]).toArray();
                    String label = "N=" + String.format("%.3g", n);
                    f.points(label, cs, ls, color);
                    double[] grid = Figure.grid(min(cs), max(cs) * 2, CURVE_POINTS, true);
                    f.line("", grid, Arrays.stream(grid).map(cc -> g.fit().predict(new double[] {n, cc / (6 * n)})).toArray(), color);
                    color++;
                }
            }
        }
        return f;
    }

    /** IsoFLOP profiles: loss against N per budget, each with its parabola and vertex. */
    public static Figure isoFlop(String title, IsoFlop.Result result, double[] flops, double[] n, double[] loss) {
        Figure f = new Figure(title, "parameters N", "loss", true, false);
        int color = 0;
        for (IsoFlop.Budget b : result.budgets()) {
            double[] ns = filter(n, flops, b.flops());
            double[] ls = filter(loss, flops, b.flops());
            f.points(String.format("C=%.2e", b.flops()), ns, ls, color);
            double[] grid = Figure.grid(min(ns), max(ns), CURVE_POINTS, true);
            double[] c = b.coefficients();
            f.line("", grid, Arrays.stream(grid).map(x -> c[0] + c[1] * Math.log(x) + c[2] * Math.log(x) * Math.log(x)).toArray(), color);
            f.points("", new double[] {b.optimalN()}, new double[] {b.optimalLoss()}, 9);
            color++;
        }
        return f;
    }

    /**
     * A study's compute-optimal frontier against C (log-log): Approach 2's vertices with the fitted
     * power law (dashed beyond the fitted budgets), and the held-out budget's observed optimum.
     *
     * @param quantity   "N" (optimal parameters), "D" (optimal examples) or "L" (optimal loss)
     * @param heldBudget the held-out budget, or NaN
     * @param heldValue  its observed value, or NaN
     */
    public static Figure frontier(String title, String quantity, io.losslake.scaling.fit.ScalingStudy.Approach2 a2, double heldBudget,
                                  double heldValue) {
        String label = switch (quantity) {
            case "N" -> "compute-optimal parameters N_opt";
            case "D" -> "compute-optimal examples D_opt";
            default -> "compute-optimal loss L_opt";
        };
        Figure f = new Figure(title, "training FLOPs C", label, true, true);
        double[] c = a2.fit().budgets().stream().mapToDouble(IsoFlop.Budget::flops).toArray();
        double[] v = a2.fit().budgets().stream().mapToDouble(b -> switch (quantity) {
            case "N" -> b.optimalN();
            case "D" -> b.optimalD();
            default -> b.optimalLoss();
        }).toArray();
        f.points("parabola vertices", c, v, 0);
        double hi = Double.isNaN(heldBudget) ? max(c) : Math.max(max(c), heldBudget);
        java.util.function.DoubleUnaryOperator law = switch (quantity) {
            case "N" -> x -> a2.fit().scaleN() * Math.pow(x, a2.fit().exponentN());
            case "D" -> x -> a2.fit().scaleD() * Math.pow(x, a2.fit().exponentD());
            default -> a2::predictLoss;
        };
        double[] inside = Figure.grid(min(c), max(c), CURVE_POINTS, true);
        f.line(String.format("fit: C^%.3f", switch (quantity) {
            case "N" -> a2.fit().exponentN();
            case "D" -> a2.fit().exponentD();
            default -> a2.lossExponent().value();
        }), inside, Arrays.stream(inside).map(law).toArray(), 2);
        if (hi > max(c)) {
            double[] beyond = Figure.grid(max(c), hi, CURVE_POINTS, true);
            f.dashed("", beyond, Arrays.stream(beyond).map(law).toArray(), 2);
        }
        if (!Double.isNaN(heldValue)) {
            f.points("held-out budget (observed)", new double[] {heldBudget}, new double[] {heldValue}, 1);
        }
        return f;
    }

    /** Loss-to-loss: paired losses and the fitted shifted power law (dashed beyond the fitted range). */
    public static Figure lossToLoss(String title, String xName, String yName, double[] lx, double[] ly, LossToLoss.Map2 map,
                                    double[] heldX, double[] heldY) {
        Figure f = new Figure(title, xName, yName, true, true);
        f.points("fitted pairs", lx, ly, 0);
        if (heldX != null && heldX.length > 0) {
            f.points("held-out pairs", heldX, heldY, 1);
        }
        double lo = Math.max(map.ex() * 1.0001, min(lx) * 0.95);
        double hi = max(heldX == null || heldX.length == 0 ? lx : concat(lx, heldX)) * 1.05;
        if (heldX != null && heldX.length > 0) {
            lo = Math.max(map.ex() * 1.0001, Math.min(min(lx), min(heldX)) * 0.95);
        }
        double[] grid = Figure.grid(lo, hi, CURVE_POINTS, true);
        f.line(String.format("K(Lx-%.3f)^%.3f+%.3f", map.ex(), map.kappa(), map.ey()), grid, Arrays.stream(grid).map(map::predict).toArray(), 2);
        return f;
    }

    /** Extrapolation residuals: relative error of held-out points against their scale. */
    public static Figure residuals(String title, Extrapolation e) {
        Figure f = new Figure(title, "scale (C, or N x D)", "relative error (predicted - actual) / actual", true, false);
        double[] scale = Arrays.stream(e.heldOut().x()).mapToDouble(Extrapolation::scale).toArray();
        f.points("held-out points", scale, e.relativeErrors(), 1);
        f.line("", new double[] {min(scale), max(scale)}, new double[] {0, 0}, 8);
        return f;
    }

    private static double[] filter(double[] values, double[] key, double wanted) {
        double[] out = new double[values.length];
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            if (key[i] == wanted) {
                out[k++] = values[i];
            }
        }
        return Arrays.copyOf(out, k);
    }

    private static double[][] concat(double[][] a, double[][] b) {
        double[][] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(1);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(1);
    }
}
