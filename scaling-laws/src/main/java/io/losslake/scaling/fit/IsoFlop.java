package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hoffmann et al.'s Approach 2: for each FLOP budget trained at several model sizes, fit a parabola
 * to loss against log N and take its vertex as the budget's optimal N; its D is read off the
 * budget's own runs (log D against log N is a straight line within a budget when the FLOPs per
 * example are a power of N, as for a family of widths), or D = C / (6 N) when no D is given. Then
 * N_opt = k C^a and D_opt = k C^b are straight lines in log-log space.
 */
public final class IsoFlop {
    /**
     * One budget's parabola L = c0 + c1 log N + c2 (log N)^2 and its vertex.
     *
     * @param optimalD the examples D at the vertex
     * @param minN     the smallest size trained at this budget
     * @param maxN     the largest
     */
    public record Budget(double flops, double[] coefficients, double optimalN, double optimalLoss, int sizes, double optimalD, double minN,
                         double maxN) {
        /** Whether the vertex lies within the sizes trained (else it is extrapolated along the parabola). */
        public boolean bracketed() {
            return optimalN >= minN && optimalN <= maxN;
        }
    }

    /**
     * @param budgets   the budgets (one per fitted parabola)
     * @param exponentN a in N_opt = kN C^a
     * @param scaleN    kN
     * @param exponentD b in D_opt = kD C^b
     * @param scaleD    kD
     */
    public record Result(List<Budget> budgets, double exponentN, double scaleN, double exponentD, double scaleD) {
    }

    private IsoFlop() {
    }

    /**
     * @param flops per point, its budget (points of one budget share the value exactly)
     * @param n     per point, model size
     * @param loss  per point, loss
     * @throws IllegalArgumentException if fewer than two budgets have three or more sizes
     */
    public static Result fit(double[] flops, double[] n, double[] loss) {
        double[] d = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            d[i] = flops[i] / (6 * n[i]);
        }
        return fit(flops, n, d, loss);
    }

    /**
     * @param examples per point, D: the examples its run trained on
     * @see #fit(double[], double[], double[])
     */
    public static Result fit(double[] flops, double[] n, double[] examples, double[] loss) {
        return fit(flops, n, examples, loss, 2);
    }

    /**
     * @param minBudgets the fewest budgets with a parabola to accept (with one, the frontier's lines are NaN)
     * @see #fit(double[], double[], double[], double[])
     */
    public static Result fit(double[] flops, double[] n, double[] examples, double[] loss, int minBudgets) {
        Map<Double, List<double[]>> byBudget = new TreeMap<>();
        for (int i = 0; i < flops.length; i++) {
            byBudget.computeIfAbsent(flops[i], c -> new ArrayList<>()).add(new double[] {Math.log(n[i]), loss[i], Math.log(examples[i])});
        }
        List<Budget> budgets = new ArrayList<>();
        for (Map.Entry<Double, List<double[]>> e : byBudget.entrySet()) {
            List<double[]> pts = e.getValue();
            if (pts.stream().map(p -> p[0]).distinct().count() < 3) {
                continue;
            }
            double[] c = quadratic(pts);
            if (!(c[2] > 0)) {
                continue; // no minimum inside: the sizes do not bracket the optimum
            }
            double vertex = -c[1] / (2 * c[2]);
            double[] logN = pts.stream().mapToDouble(p -> p[0]).toArray();
            double[] dLine = line(logN, pts.stream().mapToDouble(p -> p[2]).toArray());
            budgets.add(new Budget(e.getKey(), c, Math.exp(vertex), c[0] + c[1] * vertex + c[2] * vertex * vertex, pts.size(),
                    Math.exp(dLine[0] + dLine[1] * vertex), Math.exp(java.util.Arrays.stream(logN).min().orElseThrow()),
                    Math.exp(java.util.Arrays.stream(logN).max().orElseThrow())));
        }
        if (budgets.size() < minBudgets) {
            throw new IllegalArgumentException("IsoFLOP fits need at least " + (minBudgets == 1 ? "one budget" : minBudgets + " budgets")
                    + " with three or more model sizes whose losses curve upward; found " + budgets.size() + ".");
        }
        if (budgets.size() < 2) {
            return new Result(budgets, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] logC = budgets.stream().mapToDouble(b -> Math.log(b.flops())).toArray();
        double[] logN = budgets.stream().mapToDouble(b -> Math.log(b.optimalN())).toArray();
        double[] logD = budgets.stream().mapToDouble(b -> Math.log(b.optimalD())).toArray();
        double[] lineN = line(logC, logN);
        double[] lineD = line(logC, logD);
        return new Result(budgets, lineN[1], Math.exp(lineN[0]), lineD[1], Math.exp(lineD[0]));
    }

    /** Least-squares y = c0 + c1 x + c2 x^2 through (x, y) pairs. */
    static double[] quadratic(List<double[]> pts) {
        double[][] ata = new double[3][3];
        double[] aty = new double[3];
        for (double[] p : pts) {
            double[] row = {1, p[0], p[0] * p[0]};
            for (int i = 0; i < 3; i++) {
                aty[i] += row[i] * p[1];
                for (int j = 0; j < 3; j++) {
                    ata[i][j] += row[i] * row[j];
                }
            }
        }
        return solve(ata, aty);
    }

    /** Least-squares y = c0 + c1 x. */
    public static double[] line(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / x.length;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double slope = sxy / sxx;
        return new double[] {my - slope * mx, slope};
    }

    /** Gaussian elimination with partial pivoting. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = java.util.Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c <= n; c++) {
                    m[r][c] -= f * m[col][c];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * x[c];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }
}
