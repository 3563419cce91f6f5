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
        int batch = Math.max(1, Math.min(training.batchSize(), n));
        int stepsPerEpoch = (n + batch - 1) / batch;
        long plannedSteps = training.steps() > 0 ? training.steps() : (long) stepsPerEpoch * training.epochs();
        long stepsToRun = Math.max(1, (long) Math.ceil(plannedSteps * workFraction));
        float[] correction = program.stepCorrection(start, state);
        float correctionScale = (float) training.optimizer().learningRate();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double lossSum = 0;
        long processed = 0;
        long steps = 0;
        for (int epoch = 0; steps < stepsToRun; epoch++) {
            Seeds.shuffle(order, Seeds.derive(seed, epoch));
            for (int from = 0; from < n && steps < stepsToRun; from += batch) {
                int size = Math.min(batch, n - from);
                lossSum += trainer.step(order, from, size) * size;
                if (correction != null) {
                    trainer.shift(correction, correctionScale);
                }
                processed += size;
                steps++;
            }
        }
        float[] trained = trainer.weights();
        ClientProgram.Outcome outcome = program.finish(start, trained, state, steps, training.optimizer().learningRate());
        return new ClientUpdate(clientId, trained, n, steps, processed, lossSum / processed, System.nanoTime() - begin,
                outcome.extras(), outcome.state(), workFraction < 1.0, ClientUpdate.ClientMetrics.NONE);
    }
}
