package io.losslake.federated.strategy;

import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientUpdate;
import java.util.List;

/**
 * A strategy that needs the round's clients only through one sum: the FedAvg family, the
 * adaptive server optimisers and SCAFFOLD. Such a sum can be formed where the clients train (each Spark task
 * adds up its own clients), so that one vector per task instead of one per client reaches the
 * driver. The sum is always the {@link SumTree} over the round's dispatched clients in ascending id
 * order, so it is the same number whichever executor, grouping or cluster size formed it.
 */
public interface LinearAggregation {
    /** What each client adds to the sum. */
    enum Summand {
        /** n_i w_i, with weight n_i: for example-weighted means of the clients' models. */
        EXAMPLE_WEIGHTED_WEIGHTS,
        /** w_i - w, with weight 1: for uniform means of the clients' deltas. */
        DELTAS,
        /** w_i - w followed by SCAFFOLD's Delta c_i, with weight 1: for its two uniform means. */
        DELTAS_AND_CONTROL_DELTAS;

        /** Client {@code u}'s term, in double, against the round's global weights. */
        public double[] term(ClientUpdate u, float[] global) {
            float[] w = u.weights();
            double[] out = new double[w.length];
            if (this == EXAMPLE_WEIGHTED_WEIGHTS) {
                double n = u.numExamples();
                for (int i = 0; i < out.length; i++) {
                    out[i] = n * w[i];
                }
                return out;
            }
            for (int i = 0; i < w.length; i++) {
                out[i] = (double) w[i] - global[i];
            }
            if (this == DELTAS_AND_CONTROL_DELTAS) {
                float[] dc = u.extras().get(Scaffold.DELTA_C);
                double[] both = java.util.Arrays.copyOf(out, w.length + dc.length);
                for (int i = 0; i < dc.length; i++) {
                    both[w.length + i] = dc[i];
                }
                return both;
            }
            return out;
        }

        /** Client {@code u}'s weight in the sum. */
        public double weight(ClientUpdate u) {
            return this == EXAMPLE_WEIGHTED_WEIGHTS ? u.numExamples() : 1;
        }
    }

    /**
     * A sum of client terms.
     *
     * @param values the summed terms, or null when no client contributed
     * @param weight the summed weights
     * @param count  the clients that contributed
     */
    record Sum(double[] values, double weight, int count) implements java.io.Serializable {
        public static final Sum EMPTY = new Sum(null, 0, 0);

        /**
         * This sum then {@code right}, in that order (empty sums add nothing), formed in this sum's
         * array: for {@link SumTree}, which owns every sum it adds.
         */
        Sum merge(Sum right) {
            if (right.count == 0) {
                return this;
            }
            if (count == 0) {
                return right;
            }
            for (int i = 0; i < values.length; i++) {
                values[i] += right.values[i];
            }
            return new Sum(values, weight + right.weight, count + right.count);
        }
    }

    Summand summand();

    /**
     * Aggregates one round from the sum of its accepted clients' terms ({@link #summand()}), at least one.
     *
     * @param failures sampled clients without a usable update
     */
    AggregationStrategy.Result aggregate(int round, float[] global, Sum sum, List<ClientFailure> failures, ServerState state);

    /** The sum of {@code updates} (in their order) as {@link SumTree} forms it. */
    default Sum sumOf(List<ClientUpdate> updates, float[] global) {
        return SumTree.sum(0, updates.size(), i -> new Sum(summand().term(updates.get(i), global), summand().weight(updates.get(i)), 1), null);
    }
}
