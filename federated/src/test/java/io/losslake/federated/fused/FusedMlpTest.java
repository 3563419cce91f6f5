package io.losslake.federated.fused;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.MlpSpec;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.ProximalTerm;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The fused MLP path against DL4J's own gradients, scores and optimiser steps. */
class FusedMlpTest {
    private static final MlpSpec MODEL = (MlpSpec) ModelSpec.parse("mlp:16,8", 36, 4);
    private static final int BATCH = 12;

    private static float[] features(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[BATCH * 36];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    private static int[] labels(long seed) {
        SplittableRandom r = new SplittableRandom(seed + 99);
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = r.nextInt(4);
        }
        return y;
    }

    private static DataSet dataSet(float[] x, int[] y) {
        float[] oneHot = new float[BATCH * 4];
        for (int i = 0; i < BATCH; i++) {
            oneHot[i * 4 + y[i]] = 1;
        }
        return new DataSet(Nd4j.create(x, new long[] {BATCH, 36}, 'c'), Nd4j.create(oneHot, new long[] {BATCH, 4}, 'c'));
    }

    private static void assertClose(float[] actual, float[] expected, double relative) {
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(relative * scale + 1e-12));
        }
    }

    @Test
    void gradientsAndScoresMatchDl4jForEveryLoss() {
        OptimizerSpec sgd = new OptimizerSpec("sgd", 0.1, 0);
        for (LossSpec loss : List.of(LossSpec.CROSS_ENTROPY, new LossSpec(0.3, true), new LossSpec(0.3, false))) {
            MultiLayerNetwork reference = ModelFactory.initialised(MODEL, sgd, 5);
            float[] w = ModelFactory.weightsOf(reference);
            MultiLayerNetwork net = ModelFactory.withWeights(MODEL, sgd, w, loss);
            DataSet batch = dataSet(features(1), labels(1));
            net.setInput(batch.getFeatures());
            net.setLabels(batch.getLabels());
            net.computeGradientAndScore();
            // DL4J holds the batch-summed gradient here; the updater divides by the batch size later
            float[] dl4j = net.gradient().gradient().toFloatVector();
            FusedMlp fused = new FusedMlp(MODEL, w, sgd, loss, List.of());
            double score = fused.lossAndGradient(features(1), labels(1), BATCH);
            float[] ours = fused.gradient();
            for (int i = 0; i < ours.length; i++) {
                ours[i] *= BATCH;
            }
            assertClose(ours, dl4j, 1e-6);
            assertThat(score).as("%s", loss).isCloseTo(net.score(), within(1e-6 * Math.abs(net.score())));
        }
    }

    @Test
    void optimiserStepsTrackDl4jsUpdaters() {
        for (OptimizerSpec opt : List.of(new OptimizerSpec("sgd", 0.1, 0), new OptimizerSpec("nesterov", 0.05, 0.9), new OptimizerSpec("adam", 0.01, 0))) {
            MultiLayerNetwork net = ModelFactory.initialised(MODEL, opt, 7);
            float[] w = ModelFactory.weightsOf(net);
            FusedMlp fused = new FusedMlp(MODEL, w, opt, LossSpec.CROSS_ENTROPY, List.of());
            for (int step = 0; step < 6; step++) {
                net.fit(dataSet(features(step), labels(step)));
                fused.step(features(step), labels(step), BATCH);
            }
            assertClose(fused.weights(), ModelFactory.weightsOf(net), 2e-5);
        }
    }

    @Test
    void gradientTermsAddTheirMeanGradient() {
        OptimizerSpec sgd = new OptimizerSpec("sgd", 0.1, 0);
        float[] w = ModelFactory.weightsOf(ModelFactory.initialised(MODEL, sgd, 5));
        float[] anchor = new float[w.length];
        FusedMlp plain = new FusedMlp(MODEL, w, sgd, LossSpec.CROSS_ENTROPY, List.of());
        FusedMlp prox = new FusedMlp(MODEL, w, sgd, LossSpec.CROSS_ENTROPY, List.of(new ProximalTerm(anchor, 0.5)));
        plain.lossAndGradient(features(3), labels(3), BATCH);
        prox.lossAndGradient(features(3), labels(3), BATCH);
        float[] plainGrad = plain.gradient();
        float[] proxGrad = prox.gradient();
        for (int i = 0; i < w.length; i++) {
            assertThat(proxGrad[i] - plainGrad[i]).isCloseTo(0.5f * w[i], within(1e-6f));
        }
    }
}
