package io.losslake.federated.strategy;

import io.losslake.common.Param;
import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientUpdate;
import java.util.List;
import java.util.Map;

/**
 * FedAvg with server momentum (Hsu et al., "Measuring the Effects of Non-Identical Data
 * Distribution for Federated Visual Classification", 2019): with the pseudo-gradient
 * d = w - FedAvg(w_i), v <- beta v + d (v = d in the first round), w <- w - eta v.
 * With eta = 1 and beta = 0 it is FedAvg.
 */
public final class FedAvgM implements AggregationStrategy, LinearAggregation {
    public static final String NAME = "fedavgm";
    static final String MOMENTUM = "fedavgm.v";

    private final double serverLr;
    private final double momentum;

    public FedAvgM(double serverLr, double momentum) {
        if (!(serverLr > 0) || Double.isInfinite(serverLr)) {
            throw new IllegalArgumentException("Invalid --server-lr " + serverLr + ": expected a positive number.");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("Invalid --server-momentum " + momentum + ": expected a value in [0, 1).");
        }
        this.serverLr = serverLr;
        this.momentum = momentum;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result aggregate(int round, float[] global, List<ClientUpdate> updates, List<ClientFailure> failures, ServerState state) {
        return aggregate(round, global, sumOf(updates, global), failures, state);
    }

    @Override
    public Summand summand() {
        return Summand.EXAMPLE_WEIGHTED_WEIGHTS;
    }

    @Override
    public Result aggregate(int round, float[] global, Sum sum, List<ClientFailure> failures, ServerState state) {
        float[] average = Aggregates.mean(sum);
        float[] previous = state.tensors().get(MOMENTUM);
        float[] v = new float[global.length];
        float[] next = new float[global.length];
        for (int i = 0; i < v.length; i++) {
            double pseudoGradient = (double) global[i] - average[i];
            double vi = previous == null ? pseudoGradient : momentum * previous[i] + pseudoGradient;
            v[i] = (float) vi;
            next[i] = (float) (global[i] - serverLr * vi);
        }
        return new Result(next, new ServerState(Map.of(MOMENTUM, v), state.scalars()));
    }

    /** {@code fedavgm --server-lr --server-momentum}. */
    public static final class Descriptor extends NamedDescriptor implements StrategyDescriptor {
        static final Param<Double> SERVER_LR = Param.number("server-lr", 1.0, "server step size eta");
        static final Param<Double> SERVER_MOMENTUM = Param.number("server-momentum", 0.9, "server momentum beta");

        public Descriptor() {
            super(NAME, "server momentum (Hsu et al. 2019)", 30, SERVER_LR, SERVER_MOMENTUM);
        }

        @Override
        public AggregationStrategy create(Values values, Strategies.Context context) {
            return new FedAvgM(values.get(SERVER_LR), values.get(SERVER_MOMENTUM));
        }
    }
}
