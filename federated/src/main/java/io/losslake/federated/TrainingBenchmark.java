package io.losslake.federated;

import io.losslake.data.DenseClientData;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.ModelSpec;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Local training throughput, samples per second on the calling thread: a model trained on random
 * 28x28 inputs in consecutive minibatches, after a warm-up, for a fixed wall time.
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {
    }

    public static double samplesPerSecond(ModelSpec spec, LocalTraining training, double seconds) {
        int batch = training.batchSize();
        int examples = batch * 40;
        SplittableRandom random = new SplittableRandom(1);
        float[] x = new float[examples * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        int[] y = new int[examples];
        long[] ids = new long[examples];
        for (int i = 0; i < examples; i++) {
            y[i] = random.nextInt(10);
            ids[i] = i;
        }
        DenseClientData data = new DenseClientData(0, ids, x, y, new int[] {28, 28}, 10);
        float[] start = io.losslake.federated.model.ModelFactory.weightsOf(
                io.losslake.federated.model.ModelFactory.initialised(spec, training.optimizer(), 1));
        BatchTrainer trainer = BatchTrainer.of(spec, start, data, training, LossSpec.CROSS_ENTROPY, List.of());
        int[] order = new int[examples];
        for (int i = 0; i < examples; i++) {
            order[i] = i;
        }
        long warm = System.nanoTime();
        int step = 0;
        while (System.nanoTime() - warm < 1.5e9) {
            trainer.step(order, (step++ % 40) * batch, batch);
        }
        long begin = System.nanoTime();
        long samples = 0;
        while (System.nanoTime() - begin < seconds * 1e9) {
            trainer.step(order, (step++ % 40) * batch, batch);
            samples += batch;
        }
        return samples / ((System.nanoTime() - begin) / 1e9);
    }
}
