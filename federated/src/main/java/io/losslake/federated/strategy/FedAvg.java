package io.losslake.federated.strategy;

import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientUpdate;
import java.util.List;

/**
 * FedAvg (McMahan et al., 2017): the new global model is the mean of the clients' models weighted
 * by their example counts, w = sum_k n_k w_k / sum_k n_k. Failed clients are simply absent.
 */
public final class FedAvg implements AggregationStrategy, LinearAggregation {
    public static final String NAME = "fedavg";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result aggregate(int round, float[] globalWeights, List<ClientUpdate> updates, List<ClientFailure> failures, ServerState state) {
        return aggregate(round, globalWeights, sumOf(updates, globalWeights), failures, state);
    }

    @Override
    public Summand summand() {
        return Summand.EXAMPLE_WEIGHTED_WEIGHTS;
    }

    @Override
    public Result aggregate(int round, float[] global, Sum sum, List<ClientFailure> failures, ServerState state) {
        return new Result(Aggregates.mean(sum), state);
    }

    /** {@code fedavg}: no options. */
    public static final class Descriptor extends NamedDescriptor implements StrategyDescriptor {
        public Descriptor() {
            super(NAME, "example-weighted mean (McMahan et al. 2017)", 10);
        }

        @Override
        public AggregationStrategy create(Values values, Strategies.Context context) {
            return new FedAvg();
        }
    }
}
