package io.losslake.federated.simulation;

import io.losslake.federated.strategy.LinearAggregation;
import io.losslake.federated.strategy.SumTree;
import java.util.List;
import java.util.Map;

/**
 * The {@link SumTree} sums of a round's dispatched clients, from their outcomes: what an executor
 * that sums where clients train sends for each of its blocks, and what the round loop forms itself
 * from per-client outcomes. Both run this one function, so both give the same double.
 */
public final class BlockSums {
    private BlockSums() {
    }

    /**
     * The sum of the dispatched clients [lo, hi).
     *
     * @param blockWork the work of dispatched clients lo .. hi - 1, in the plan's order (ascending id)
     * @param outcomes  every one of those clients' outcome, by client id, with its weights
     */
    public static ClientExecutor.BlockSum of(List<ClientWork> blockWork, int lo, int hi, Map<Integer, ClientOutcome> outcomes,
                                             LinearAggregation.Summand summand, float[] global) {
        if (blockWork.size() != hi - lo) {
            throw new IllegalArgumentException("block [" + lo + ", " + hi + ") given the work of " + blockWork.size() + " clients");
        }
        return new ClientExecutor.BlockSum(lo, hi, SumTree.sum(lo, hi, i -> leaf(blockWork.get(i - lo).clientId(), outcomes, summand, global), null));
    }

    /** One client's term, or nothing when its update was refused. */
    static LinearAggregation.Sum leaf(int clientId, Map<Integer, ClientOutcome> outcomes, LinearAggregation.Summand summand, float[] global) {
        ClientOutcome o = outcomes.get(clientId);
        if (o == null) {
            throw new IllegalStateException("no outcome for dispatched client " + clientId);
        }
        if (!o.finite()) {
            return LinearAggregation.Sum.EMPTY;
        }
        if (o.update().weights().length != global.length) {
            throw new IllegalStateException("client " + clientId + "'s weights were left out but its block's sum is missing");
        }
        return new LinearAggregation.Sum(summand.term(o.update(), global), summand.weight(o.update()), 1);
    }

    /** The round's whole sum: the executor's block sums where it sent them, else formed from the outcomes. */
    static LinearAggregation.Sum round(List<ClientWork> work, Map<Integer, ClientOutcome> outcomes, List<ClientExecutor.BlockSum> known,
                                       LinearAggregation.Summand summand, float[] global) {
        Map<Long, LinearAggregation.Sum> blocks = new java.util.HashMap<>();
        if (known != null) {
            for (ClientExecutor.BlockSum b : known) {
                blocks.put(((long) b.lo() << 32) | b.hi(), b.sum());
            }
        }
        return SumTree.sum(0, work.size(), i -> leaf(work.get(i).clientId(), outcomes, summand, global),
                (lo, hi) -> blocks.remove(((long) lo << 32) | hi));
    }
}
