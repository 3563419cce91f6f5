package io.losslake.federated.strategy;

import io.losslake.common.Param;
import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientUpdate;
import java.util.List;
import java.util.Map;

/**
 * Adaptive server optimisers of Reddi et al., "Adaptive Federated Optimization" (ICLR 2021),
 * Algorithm 2, as the paper states them: with Delta = (1/|S|) sum_i (w_i - w) (uniform mean),
 * <pre>
 *   m = beta1 m + (1 - beta1) Delta
 *   v = v + Delta^2                                   (FedAdagrad)
 *   v = v - (1 - beta2) Delta^2 sign(v - Delta^2)     (FedYogi)
 *   v = beta2 v + (1 - beta2) Delta^2                 (FedAdam)
 *   w = w + eta m / (sqrt(v) + tau)
 * </pre>
 * from m = 0 and v = tau^2, without bias correction. Flower's implementations differ: they weight
 * Delta by example counts, start v at 0, and FedAdam adds a bias correction; we follow the paper.
 */
public final class FedOpt implements AggregationStrategy, LinearAggregation {
    /** Which second-moment rule. */
    public enum Variant {
        ADAGRAD("fedadagrad"), YOGI("fedyogi"), ADAM("fedadam");

        final String strategyName;

        Variant(String strategyName) {
            this.strategyName = strategyName;
        }

        public String strategyName() {
            return strategyName;
        }
    }

    static final String M = "fedopt.m";
    static final String V = "fedopt.v";

    private final Variant variant;
    private final double eta;
    private final double beta1;
    private final double beta2;
    private final double tau;

    public FedOpt(Variant variant, double eta, double beta1, double beta2, double tau) {
        if (!(eta > 0) || Double.isInfinite(eta)) {
            throw new IllegalArgumentException("Invalid --server-lr " + eta + ": expected a positive number.");
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Invalid --beta1 " + beta1 + " or --beta2 " + beta2 + ": expected values in [0, 1).");
        }
        if (!(tau > 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("Invalid --tau " + tau + ": expected a positive number.");
        }
        this.variant = variant;
        this.eta = eta;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.tau = tau;
    }

    @Override
    public String name() {
        return variant.strategyName;
    }

    @Override
    public ServerState initialState(float[] global) {
        float[] v = new float[global.length];
        java.util.Arrays.fill(v, (float) (tau * tau));
        return new ServerState(Map.of(M, new float[global.length], V, v), Map.of());
    }

    @Override
    public Result aggregate(int round, float[] global, List<ClientUpdate> updates, List<ClientFailure> failures, ServerState state) {
        return aggregate(round, global, sumOf(updates, global), failures, state);
    }

    @Override
    public Summand summand() {
        return Summand.DELTAS;
    }

    @Override
    public Result aggregate(int round, float[] global, Sum sum, List<ClientFailure> failures, ServerState state) {
        double[] delta = new double[global.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = sum.values()[i] / sum.count();
        }
        float[] m = state.tensors().get(M).clone();
        float[] v = state.tensors().get(V).clone();
        float[] next = new float[global.length];
        for (int i = 0; i < global.length; i++) {
            double d = delta[i];
            double d2 = d * d;
            double mi = beta1 * m[i] + (1 - beta1) * d;
            double vi = v[i];
            vi = switch (variant) {
                case ADAGRAD -> vi + d2;
                case YOGI -> vi - (1 - beta2) * d2 * Math.signum(vi - d2);
                case ADAM -> beta2 * vi + (1 - beta2) * d2;
            };
            m[i] = (float) mi;
            v[i] = (float) vi;
            next[i] = (float) (global[i] + eta * mi / (Math.sqrt(vi) + tau));
        }
        return new Result(next, new ServerState(Map.of(M, m, V, v), state.scalars()));
    }

    static Param<Double> serverLr(double defaultValue) {
        return Param.number("server-lr", defaultValue, "server step size eta");
    }

    static final Param<Double> BETA1 = Param.number("beta1", 0.9, "first-moment decay");
    static final Param<Double> BETA2 = Param.number("beta2", 0.99, "second-moment decay");
    static final Param<Double> TAU = Param.number("tau", 0.001, "adaptivity tau");

    /** {@code fedadagrad --server-lr --tau}. */
    public static final class Adagrad extends NamedDescriptor implements StrategyDescriptor {
        private static final Param<Double> SERVER_LR = serverLr(0.1);

        public Adagrad() {
            super(Variant.ADAGRAD.strategyName, "adaptive server optimiser, Adagrad (Reddi et al. 2021)", 40, SERVER_LR, TAU);
        }

        @Override
        public AggregationStrategy create(Values values, Strategies.Context context) {
            return new FedOpt(Variant.ADAGRAD, values.get(SERVER_LR), 0, 0, values.get(TAU));
        }
    }

    /** {@code fedyogi --server-lr --beta1 --beta2 --tau}. */
    public static final class Yogi extends NamedDescriptor implements StrategyDescriptor {
        private static final Param<Double> SERVER_LR = serverLr(0.01);

        public Yogi() {
            super(Variant.YOGI.strategyName, "adaptive server optimiser, Yogi (Reddi et al. 2021)", 50, SERVER_LR, BETA1, BETA2, TAU);
        }

        @Override
        public AggregationStrategy create(Values values, Strategies.Context context) {
            return new FedOpt(Variant.YOGI, values.get(SERVER_LR), values.get(BETA1), values.get(BETA2), values.get(TAU));
        }
    }

    /** {@code fedadam --server-lr --beta1 --beta2 --tau}. */
    public static final class Adam extends NamedDescriptor implements StrategyDescriptor {
        private static final Param<Double> SERVER_LR = serverLr(0.1);

        public Adam() {
            super(Variant.ADAM.strategyName, "adaptive server optimiser, Adam (Reddi et al. 2021)", 60, SERVER_LR, BETA1, BETA2, TAU);
        }

        @Override
        public AggregationStrategy create(Values values, Strategies.Context context) {
            return new FedOpt(Variant.ADAM, values.get(SERVER_LR), values.get(BETA1), values.get(BETA2), values.get(TAU));
        }
    }
}
