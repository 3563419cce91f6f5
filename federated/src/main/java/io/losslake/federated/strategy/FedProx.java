package io.losslake.federated.strategy;

import io.losslake.common.Param;
import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientProgram;
import io.losslake.federated.ClientState;
import io.losslake.federated.ClientUpdate;
import io.losslake.federated.objective.GradientTerm;
import io.losslake.federated.objective.ProximalTerm;
import java.util.List;

/**
 * FedProx (Li et al., "Federated Optimization in Heterogeneous Networks", MLSys 2020): FedAvg whose
 * clients minimise F_i(w) + (mu / 2) ||w - w_global||^2, the proximal term keeping local models near
 * the round's global model. Aggregation is FedAvg's example-weighted mean.
 */
public final class FedProx implements AggregationStrategy, LinearAggregation {
    public static final String NAME = "fedprox";

    private final double mu;

    public FedProx(double mu) {
        if (!(mu >= 0) || Double.isInfinite(mu)) {
            throw new IllegalArgumentException("Invalid --mu " + mu + ": expected a proximal weight >= 0.");
        }
        this.mu = mu;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ClientProgram clientProgram(int round, ServerState state) {
        return new Program(mu);
    }

    /** The client side: the proximal term around the weights the round started from. */
    record Program(double mu) implements ClientProgram {
        @Override
        public List<GradientTerm> gradientTerms(float[] start, ClientState clientState) {
            return List.of(new ProximalTerm(start, mu));
        }
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
        return new Result(Aggregates.mean(sum), state);
    }

    /** {@code fedprox --mu}. */
    public static final class Descriptor extends NamedDescriptor implements StrategyDescriptor {
        static final Param<Double> MU = Param.number("mu", 0.01, "proximal weight mu");

        public Descriptor() {
            super(NAME, "proximal term (mu/2)||w - w_global||^2 (Li et al. 2020)", 20, MU);
        }

        @Override
        public AggregationStrategy create(Values values, Strategies.Context context) {
            return new FedProx(values.get(MU));
        }
    }
}
