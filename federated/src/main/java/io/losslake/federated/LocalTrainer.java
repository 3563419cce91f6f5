package io.losslake.federated;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.model.ModelSpec;

/**
 * Trains one client's copy of the global model on its own examples (the fused MLP path, or DL4J).
 * A pure function of (start weights, client data, settings, program, state, seed): batch order comes
 * from {@code seed}, never from which thread or executor runs it.
 */
public final class LocalTrainer {
    private LocalTrainer() {
    }

    /** Plain local training (FedAvg's client). */
    public static ClientUpdate train(ModelSpec spec, float[] start, ClientData data, LocalTraining training, long seed) {
        return train(spec, start, data, training, seed, ClientProgram.PLAIN, ClientState.EMPTY, 1.0);
    }

    /**
     * Runs the client's local work from {@code start}.
     *
     * @param data         the client's training examples, at least one
     * @param seed         seed of the batch order, derived by the caller from (run, round, client)
     * @param program      what the strategy asks of clients (loss, gradient terms, state)
     * @param state        the client's state from earlier rounds
     * @param workFraction share of the local steps to run, in (0, 1]: below 1 for a straggler
     */
    public static ClientUpdate train(ModelSpec spec, float[] start, ClientData data, LocalTraining training, long seed,
                                     ClientProgram program, ClientState state, double workFraction) {
        int clientId = data.clientId();
        int n = data.size();
        if (n == 0) {
            throw new IllegalArgumentException("client " + clientId + " has no examples");
        }
        long begin = System.nanoTime();
        BatchTrainer trainer = BatchTrainer.of(spec, start, data, training, program.loss(), program.gradientTerms(start, state));
        float[] correction = program.stepCorrection(start, state);
        float correctionScale = (float) training.optimizer().learningRate();
        double[] lossSum = {0};
        long[] processed = {0};
        long steps = forEachBatch(n, training, seed, workFraction, (order, from, size) -> {
            lossSum[0] += trainer.step(order, from, size) * size;
            processed[0] += size;
            if (correction != null) {
                trainer.shift(correction, correctionScale);
            }
        });
        float[] trained = trainer.weights();
        ClientProgram.Outcome outcome = program.finish(start, trained, state, steps, training.optimizer().learningRate());
        return new ClientUpdate(clientId, trained, n, steps, processed[0], lossSum[0] / processed[0], System.nanoTime() - begin,
                outcome.extras(), outcome.state(), workFraction < 1.0, ClientUpdate.ClientMetrics.NONE);
    }

    /** One minibatch: examples {@code order[from .. from + size)} of the client. */
    @FunctionalInterface
    public interface BatchVisitor {
        void batch(int[] order, int from, int size);
    }

    /**
     * The client's local work as a sequence of minibatches, the same for every trainer and engine:
     * epochs over a fresh seeded shuffle each (or a fixed number of steps), cut into batches of
     * {@code training.batchSize()} (the last of an epoch may be smaller), the first
     * {@code workFraction} of them. Returns the number of batches visited.
     */
    public static long forEachBatch(int n, LocalTraining training, long seed, double workFraction, BatchVisitor visitor) {
        int batch = Math.max(1, Math.min(training.batchSize(), n));
        int stepsPerEpoch = (n + batch - 1) / batch;
        long plannedSteps = training.steps() > 0 ? training.steps() : (long) stepsPerEpoch * training.epochs();
        long stepsToRun = Math.max(1, (long) Math.ceil(plannedSteps * workFraction));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        long steps = 0;
        for (int epoch = 0; steps < stepsToRun; epoch++) {
            Seeds.shuffle(order, Seeds.derive(seed, epoch));
            for (int from = 0; from < n && steps < stepsToRun; from += batch) {
                visitor.batch(order, from, Math.min(batch, n - from));
                steps++;
            }
        }
        return steps;
    }

    /** The DL4J minibatches of a client's whole local work, in training order ({@link #forEachBatch}). */
    public static java.util.List<org.nd4j.linalg.dataset.DataSet> plannedBatches(ClientData data, LocalTraining training, long seed) {
        Minibatches cutter = new Minibatches(data, training.batchSize());
        java.util.List<org.nd4j.linalg.dataset.DataSet> out = new java.util.ArrayList<>();
        forEachBatch(data.size(), training, seed, 1.0, (order, from, size) -> out.add(cutter.cut(order, from, size)));
        return out;
    }
}
