package io.losslake.federated;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Trains one client's copy of the global model on its own examples with DL4J. A pure function of
 * (global weights, client data, settings, seed): batch order comes from {@code seed}, never from
 * which thread or executor runs it.
 */
public final class LocalTrainer {
    private LocalTrainer() {
    }

    /**
     * Runs {@code training.epochs()} epochs of minibatch training from {@code globalWeights}.
     *
     * @param data the client's examples, at least one
     * @param seed seed of the batch order, derived by the caller from (run, round, client)
     */
    public static ClientUpdate train(ModelSpec spec, float[] globalWeights, ClientData data, LocalTraining training, long seed) {
        int clientId = data.clientId();
        int n = data.size();
        if (n == 0) {
            throw new IllegalArgumentException("client " + clientId + " has no examples");
        }
        long start = System.nanoTime();
        MultiLayerNetwork net = ModelFactory.withWeights(spec, training.optimizer(), globalWeights);
        Minibatches batches = new Minibatches(data, training.batchSize());
        int batch = batches.batchSize();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double lossSum = 0;
        long steps = 0;
        for (int epoch = 0; epoch < training.epochs(); epoch++) {
            Seeds.shuffle(order, Seeds.derive(seed, epoch));
            for (int from = 0; from < n; from += batch) {
                int size = Math.min(batch, n - from);
                net.fit(batches.cut(order, from, size));
                lossSum += net.score() * size;
                steps++;
            }
        }
        float[] weights = ModelFactory.weightsOf(net);
        long processed = (long) n * training.epochs();
        return new ClientUpdate(clientId, weights, n, steps, lossSum / processed, System.nanoTime() - start);
    }
}
