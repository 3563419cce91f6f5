package io.losslake.federated.strategy;

import io.losslake.common.Param;
import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientProgram;
import io.losslake.federated.ClientUpdate;
import io.losslake.federated.ParamLayout;
import io.losslake.federated.model.LossSpec;
import java.util.List;

/**
 * FedLD (Zeng et al., "Tackling Data Heterogeneity in Federated Learning via Loss Decomposition",
 * MICCAI 2024; reference code Zeng-Shuang/FedLD).
 *
 * <p>Clients train with the margin-controlled loss (see
 * {@link io.losslake.federated.model.MarginControlledCrossEntropy}). The server aggregates each
 * parameter tensor separately, from the client deltas g_i = w_i - w (rows of G, m x d):
 * <ol>
 *   <li>eigen-decompose G G^T / m = sum_j s_j e_j e_j^T, s descending;</li>
 *   <li>principal directions w_j = G^T e_j; keep k = floor(m * kProportion) of them;</li>
 *   <li>flip each w_j to the majority sign of the clients' projections g_i . w_j;</li>
 *   <li>rebuild each client's update from the kept directions,
 *       r_i = sum_{j<k} sign(g_i . w_j) * w_j / ||w_j|| * ||g_i|| * s_j / sum(s)
 *       (sum(s) over all m eigenvalues, as the code does);</li>
 *   <li>new global w + mean_i r_i (uniform mean, server step 1).</li>
 * </ol>
 * The first round uses the plain mean of the deltas.
 *
 * <p>Where this follows the code rather than a literal reading of the paper: the "gradients" are
 * model deltas; the sum of eigenvalues in the weights runs over all of them; the average is
 * uniform, not weighted by example counts. Step 3 is kept because the paper describes it, though
 * it cannot change r_i (sign(g . w) w is invariant to the sign of w). Where this departs from the
 * code: it works with partial participation (m = the clients that reported, not all clients; the
 * code indexes all clients and fails otherwise), and it guards the code's divisions by zero: a
 * direction with a (numerically) zero eigenvalue or norm is skipped, a zero projection contributes
 * nothing (sign 0), a zero delta rebuilds to zero, and a tensor whose deltas are all zero, or that
 * has a single element, or a round with a single client, falls back to the plain mean. The
 * reference code's hidden learning-rate warm-up (its first round trains at lr 0) is not copied.
 */
public final class FedLD implements AggregationStrategy {
    public static final String NAME = "fedld";
    static final String ROUNDS_SEEN = "fedld.rounds";

    private final ParamLayout layout;
    private final double kProportion;
    private final LossSpec loss;
    private final boolean principal;

    public FedLD(ParamLayout layout, double kProportion, double marginLambda, boolean perSample) {
        this(layout, kProportion, marginLambda, perSample, true);
    }

    /**
     * @param principal principal-gradient aggregation (the method); false: the uniform mean of the
     *                  deltas every round, margin control alone (the paper's ablation without it)
     */
    public FedLD(ParamLayout layout, double kProportion, double marginLambda, boolean perSample, boolean principal) {
        if (!(kProportion > 0 && kProportion <= 1)) {
            throw new IllegalArgumentException("Invalid --k-proportion " + kProportion + ": expected a fraction in (0, 1].");
        }
        this.layout = java.util.Objects.requireNonNull(layout, "FedLD rebuilds each tensor's delta and needs the model's parameter layout");
        this.kProportion = kProportion;
        this.loss = new LossSpec(marginLambda, perSample);
        this.principal = principal;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ClientProgram clientProgram(int round, ServerState state) {
        return ClientProgram.withLoss(loss);
    }

    @Override
    public Result aggregate(int round, float[] global, List<ClientUpdate> updates, List<ClientFailure> failures, ServerState state) {
        int m = updates.size();
        boolean first = state.scalars().getOrDefault(ROUNDS_SEEN, 0.0) == 0;
        float[] next = global.clone();
        for (ParamLayout.Tensor tensor : layout.tensors()) {
            double[][] g = new double[m][tensor.length()];
            for (int i = 0; i < m; i++) {
                float[] w = updates.get(i).weights();
                for (int t = 0; t < tensor.length(); t++) {
                    g[i][t] = (double) w[tensor.offset() + t] - global[tensor.offset() + t];
                }
            }
            double[] step = first || !principal ? mean(g) : principalStep(g, kProportion);
            for (int t = 0; t < tensor.length(); t++) {
                next[tensor.offset() + t] = (float) (global[tensor.offset() + t] + step[t]);
            }
        }
        double seen = state.scalars().getOrDefault(ROUNDS_SEEN, 0.0) + 1;
        java.util.Map<String, Double> scalars = new java.util.TreeMap<>(state.scalars());
        scalars.put(ROUNDS_SEEN, seen);
        return new Result(next, new ServerState(state.tensors(), scalars));
    }

    static double[] mean(double[][] g) {
        double[] out = new double[g[0].length];
        for (double[] row : g) {
            for (int t = 0; t < out.length; t++) {
                out[t] += row[t] / g.length;
            }
        }
        return out;
    }

    /** One tensor's aggregated step mean_i r_i from the client deltas g (m x d). */
    static double[] principalStep(double[][] g, double kProportion) {
        int m = g.length;
        int d = g[0].length;
        int k = (int) Math.floor(m * kProportion);
        if (m < 2 || d < 2 || k < 1) {
            return mean(g);
        }
        double[][] gram = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = i; j < m; j++) {
                double dot = 0;
                for (int t = 0; t < d; t++) {
                    dot += g[i][t] * g[j][t];
                }
                gram[i][j] = dot / m;
                gram[j][i] = gram[i][j];
            }
        }
        SymmetricEigen eigen = SymmetricEigen.of(gram);
        double sTotal = 0;
        double sMax = 0;
        for (double s : eigen.values()) {
            sTotal += Math.max(0, s);
            sMax = Math.max(sMax, s);
        }
        if (!(sTotal > 0)) {
            return mean(g); // every delta of this tensor is zero
        }
        double[] norms = new double[m];
        for (int i = 0; i < m; i++) {
            double n2 = 0;
            for (int t = 0; t < d; t++) {
                n2 += g[i][t] * g[i][t];
            }
            norms[i] = Math.sqrt(n2);
        }
        double[] sum = new double[d];
        for (int j = 0; j < k; j++) {
            double s = eigen.values()[j];
            if (!(s > 1e-12 * sMax)) {
                continue; // a numerically null direction carries no information
            }
            double[] e = eigen.vectors()[j];
            double[] w = new double[d];
            for (int i = 0; i < m; i++) {
                for (int t = 0; t < d; t++) {
                    w[t] += g[i][t] * e[i];
                }
            }
            double wNorm = 0;
            for (double x : w) {
                wNorm += x * x;
            }
            wNorm = Math.sqrt(wNorm);
            if (!(wNorm > 0)) {
                continue;
            }
            double[] proj = new double[m];
            int positive = 0;
            for (int i = 0; i < m; i++) {
                for (int t = 0; t < d; t++) {
                    proj[i] += g[i][t] * w[t];
                }
                positive += proj[i] >= 0 ? 1 : 0;
            }
            if (positive < m - positive) { // majority sign, ties keep the sign (as the code)
                for (int t = 0; t < d; t++) {
                    w[t] = -w[t];
                }
                for (int i = 0; i < m; i++) {
                    proj[i] = -proj[i];
                }
            }
            double weight = s / sTotal;
            for (int i = 0; i < m; i++) {
                double coefficient = Math.signum(proj[i]) * norms[i] * weight / wNorm / m;
                if (coefficient != 0) {
                    for (int t = 0; t < d; t++) {
                        sum[t] += coefficient * w[t];
                    }
                }
            }
        }
        return sum;
    }

    /** {@code fedld --margin-lambda --margin-norm --k-proportion}. */
    public static final class Descriptor extends NamedDescriptor implements StrategyDescriptor {
        static final Param<Double> MARGIN_LAMBDA = Param.number("margin-lambda", 0.1, "weight of the margin-control term");
        static final Param<String> MARGIN_NORM = Param.choice("margin-norm", "sample",
                "sample (per example, the paper) or batch (the reference code)", List.of("sample", "batch"));
        static final Param<Double> K_PROPORTION = Param.number("k-proportion", 0.8, "share of principal directions kept");
        static final Param<String> AGGREGATION = Param.choice("aggregation", "principal",
                "principal (the method) or mean (uniform mean of the deltas: margin control alone, for ablations)", List.of("principal", "mean"));

        public Descriptor() {
            super(NAME, "margin control, principal gradients (Zeng et al. 2024)", 100, MARGIN_LAMBDA, MARGIN_NORM, K_PROPORTION, AGGREGATION);
        }

        @Override
        public AggregationStrategy create(Values values, Strategies.Context context) {
            return new FedLD(context.layout(), values.get(K_PROPORTION), values.get(MARGIN_LAMBDA), values.get(MARGIN_NORM).equals("sample"),
                    values.get(AGGREGATION).equals("principal"));
        }
    }
}
