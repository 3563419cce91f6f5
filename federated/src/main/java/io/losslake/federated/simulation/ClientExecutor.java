package io.losslake.federated.simulation;

import io.losslake.federated.strategy.LinearAggregation;
import java.util.List;

/**
 * Where a round's clients train: Spark tasks (only the partitions that hold sampled clients,
 * bundled into one or two tasks per task slot), a thread pool of this JVM, or dl4j-spark's
 * parameter averaging. The round loop hands it a {@link RoundPlan} and gets the clients' outcomes
 * back; it knows nothing of where they ran. An executor must not change the numbers: every
 * client's outcome is {@link ClientRunner#run} of its data and work, whatever thread or machine
 * computes it.
 */
public interface ClientExecutor extends AutoCloseable {
    /** Trains the plan's dispatched clients (at least one) from the plan's global weights. */
    Trained train(RoundPlan plan);

    /** Releases threads or cached data; the executor is not used afterwards. */
    @Override
    default void close() {
    }

    /**
     * What came back from a round's clients.
     *
     * @param outcomes each dispatched client's outcome, in any order (the loop orders them); empty when {@code averaged} is set
     * @param sums     when the round's input names a summand and the executor summed its clients: the sums of blocks of
     *                 the dispatched clients (indices into the plan's work, ascending), each a node of the
     *                 {@link io.losslake.federated.strategy.SumTree}, covering every dispatched client; the outcomes then
     *                 come without weights. Null otherwise.
     * @param averaged the engine's own average of the clients' models, or null: dl4j-spark's parameter averaging,
     *                 which returns one model instead of one per client
     */
    record Trained(List<ClientOutcome> outcomes, List<BlockSum> sums, Averaged averaged) {
        public static Trained of(List<ClientOutcome> outcomes) {
            return new Trained(List.copyOf(outcomes), null, null);
        }

        public static Trained summed(List<ClientOutcome> outcomes, List<BlockSum> sums) {
            return new Trained(List.copyOf(outcomes), List.copyOf(sums), null);
        }

        public static Trained averaged(float[] weights, long examples) {
            return new Trained(List.of(), null, new Averaged(weights, examples));
        }
    }

    /**
     * The sum of the dispatched clients [lo, hi) of a round (indices into its plan's work).
     *
     * @param sum the accepted clients' terms; clients refused for NaN or infinity add nothing
     */
    record BlockSum(int lo, int hi, LinearAggregation.Sum sum) implements java.io.Serializable {
    }

    /**
     * One model averaged by the engine.
     *
     * @param weights  the averaged weights: the round's new global model
     * @param examples examples the clients trained on (their losses and timings are not reported)
     */
    record Averaged(float[] weights, long examples) {
    }
}
