package io.losslake.federated;

import io.losslake.data.LabeledImages;
import io.losslake.data.Seeds;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

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
     * @param data     the dataset the client's examples live in
     * @param examples indices into {@code data} of the client's examples, non-empty
     * @param seed     seed of the batch order, derived by the caller from (run, round, client)
     */
    public static ClientUpdate train(int clientId, ModelSpec spec, float[] globalWeights, LabeledImages data, int[] examples,
                                     LocalTraining training, long seed) {
        if (examples.length == 0) {
            throw new IllegalArgumentException("client " + clientId + " has no examples");
        }
        long start = System.nanoTime();
        MultiLayerNetwork net = ModelFactory.withWeights(spec, training.optimizer(), globalWeights);
        int features = data.featureSize();
        int classes = data.numClasses();
        int batch = Math.min(training.batchSize(), examples.length);
        float[] x = new float[batch * features];
        float[] y = new float[batch * classes];
        int[] order = examples.clone();
        double lossSum = 0;
        long steps = 0;
        for (int epoch = 0; epoch < training.epochs(); epoch++) {
            Seeds.shuffle(order, Seeds.derive(seed, epoch));
            for (int from = 0; from < order.length; from += batch) {
                int size = Math.min(batch, order.length - from);
                Arrays.fill(y, 0, size * classes, 0f);
                for (int r = 0; r < size; r++) {
                    int example = order[from + r];
                    data.copyFeatures(example, x, r * features);
                    y[r * classes + data.label(example)] = 1f;
                }
                INDArray xs = Nd4j.create(size == batch ? x : Arrays.copyOf(x, size * features), new long[] {size, features}, 'c');
                INDArray ys = Nd4j.create(size == batch ? y : Arrays.copyOf(y, size * classes), new long[] {size, classes}, 'c');
                net.fit(new DataSet(xs, ys));
                lossSum += net.score() * size;
                steps++;
            }
        }
        float[] weights = ModelFactory.weightsOf(net);
        long processed = (long) examples.length * training.epochs();
        return new ClientUpdate(clientId, weights, examples.length, steps, lossSum / processed, System.nanoTime() - start);
    }
}
