package io.losslake.federated.strategy;

import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientUpdate;
import java.util.List;

/**
 * Coordinate-wise median of the clients' weights (Yin et al., "Byzantine-Robust Distributed
 * Learning", ICML 2018), unweighted; robust to a minority of arbitrary updates.
 */
public final class FedMedian implements AggregationStrategy {
    public static final String NAME = "fedmedian";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result aggregate(int round, float[] global, List<ClientUpdate> updates, List<ClientFailure> failures, ServerState state) {
        return new Result(Aggregates.median(Aggregates.weightsOf(updates)), state);
    }

    /** {@code fedmedian}: no options. */
    public static final class Descriptor extends NamedDescriptor implements StrategyDescriptor {
        public Descriptor() {
            super(NAME, "coordinate-wise median (Yin et al. 2018)", 70);
        }

        @Override
        public AggregationStrategy create(Values values, Strategies.Context context) {
            return new FedMedian();
        }
    }
}
