package io.losslake.federated;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model trained on one dataset for a budget of examples seen (epochs of a seeded shuffle, the
 * last one cut short), evaluated at the given checkpoints: the unit of a compute-budget sweep.
 */
public final class CentralisedTraining {
    private CentralisedTraining() {
    }

    /**
     * A checkpoint's figures.
     *
     * @param examples  examples seen so far
     * @param trainLoss mean minibatch loss since the previous checkpoint
     * @param evals     per evaluation set, the model's loss and accuracy
     */
    public record Checkpoint(long examples, double trainLoss, Map<String, Evaluation> evals) implements java.io.Serializable {
    }

    /** {@code count} log-spaced checkpoints ending at {@code budget}, the first at budget / 2^(count-1) (at least one batch). */
    public static long[] logSpaced(long budget, int count, int batchSize) {
        long[] out = new long[count];
        for (int k = 0; k < count; k++) {
            double fraction = Math.pow(2, k - (count - 1));
            out[k] = Math.max(Math.min(batchSize, budget), Math.round(budget * fraction));
        }
        return java.util.Arrays.stream(out).distinct().sorted().toArray();
    }

    public static List<Checkpoint> run(ModelSpec spec, OptimizerSpec optimizer, int batchSize, ClientData train, long[] checkpoints, long seed,
                                       Map<String, ClientData> evalSets) {
        return run(spec, new LocalTraining(1, 0, batchSize, optimizer, "fused"), train, checkpoints, seed, evalSets);
    }

    /**
     * Trains with {@code training}'s batch size, optimiser, trainer and schedule (its epochs and steps are
     * not used). A schedule runs over the whole run, the last checkpoint, in units of batches: a step
     * takes the rate of the batch count seen before it ({@code seen / batchSize}).
     */
    public static List<Checkpoint> run(ModelSpec spec, LocalTraining training, ClientData train, long[] checkpoints, long seed,
                                       Map<String, ClientData> evalSets) {
        OptimizerSpec optimizer = training.optimizer();
        float[] start = ModelFactory.weightsOf(ModelFactory.initialised(spec, optimizer, Seeds.derive(seed, Streams.INITIAL_WEIGHTS)));
        BatchTrainer trainer = BatchTrainer.of(spec, start, train, training, LossSpec.CROSS_ENTROPY, List.of());
        int batchSize = Math.max(1, Math.min(training.batchSize(), train.size()));
        LearningRateSchedule schedule = training.schedule().over((checkpoints[checkpoints.length - 1] + batchSize - 1) / batchSize);
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        List<Checkpoint> out = new ArrayList<>();
        long seen = 0;
        int epoch = 0;
        int position = n; // forces a shuffle first
        int next = 0;
        double lossSum = 0;
        long lossCount = 0;
        while (next < checkpoints.length) {
            if (position >= n) {
                Seeds.shuffle(order, Seeds.derive(seed, Streams.LOCAL_TRAINING, epoch++));
                position = 0;
            }
            long room = checkpoints[next] - seen;
            int size = (int) Math.min(Math.min(batchSize, n - position), room);
            if (!schedule.isConstant()) {
                trainer.scaleLearningRate(schedule.factor(seen / batchSize));
            }
            lossSum += trainer.step(order, position, size) * size;
            lossCount += size;
            seen += size;
            position += size;
            if (seen >= checkpoints[next]) {
                float[] weights = trainer.weights();
                Map<String, Evaluation> evals = new LinkedHashMap<>();
                for (Map.Entry<String, ClientData> e : evalSets.entrySet()) {
                    evals.put(e.getKey(), Evaluator.evaluate(spec, weights, e.getValue()));
                }
                out.add(new Checkpoint(seen, lossSum / lossCount, evals));
                lossSum = 0;
                lossCount = 0;
                next++;
            }
        }
        return out;
    }
}
