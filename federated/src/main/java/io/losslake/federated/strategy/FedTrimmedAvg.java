package io.losslake.federated.strategy;

import io.losslake.common.Param;
import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientUpdate;
import java.util.List;

/**
 * Coordinate-wise trimmed mean of the clients' weights (Yin et al., ICML 2018): per coordinate,
 * the floor(beta * n) smallest and largest values are dropped and the rest averaged, unweighted
 * (as Flower's FedTrimmedAvg). When a round has too few clients to trim that much (dropouts),
 * the cut shrinks to leave at least one value: with 2 clients it is their mean.
 */
public final class FedTrimmedAvg implements AggregationStrategy {
    public static final String NAME = "fedtrimmedavg";

    private final double beta;

    public FedTrimmedAvg(double beta) {
        if (!(beta >= 0 && beta < 0.5)) {
            throw new IllegalArgumentException("Invalid --trim " + beta + ": expected the fraction cut from each end in [0, 0.5).");
        }
        this.beta = beta;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result aggregate(int round, float[] global, List<ClientUpdate> updates, List<ClientFailure> failures, ServerState state) {
        int n = updates.size();
        int cut = Math.min((int) Math.floor(beta * n), (n - 1) / 2);
        return new Result(Aggregates.trimmedMean(Aggregates.weightsOf(updates), cut), state);
    }

    /** {@code fedtrimmedavg --trim}. */
    public static final class Descriptor extends NamedDescriptor implements StrategyDescriptor {
        static final Param<Double> TRIM = Param.number("trim", 0.2, "fraction cut from each end");

        public Descriptor() {
            super(NAME, "coordinate-wise trimmed mean (Yin et al. 2018)", 80, TRIM);
        }

        @Override
        public AggregationStrategy create(Values values, Strategies.Context context) {
            return new FedTrimmedAvg(values.get(TRIM));
        }
    }
}
