package io.losslake.federated.fused;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.losslake.federated.model.CnnSpec;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.MlpSpec;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.GradientTerm;
import io.losslake.federated.objective.ProximalTerm;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The fused MLP and CNN paths against DL4J's own gradients, scores and optimiser steps. */
class FusedNetworkTest {
    private static final int BATCH = 12;
    private static final int CLASSES = 4;

    /** An MLP, a CNN whose maps pool evenly (20x20) and one whose pooling drops a row and column (19x19). */
    static Stream<ModelSpec> models() {
        return Stream.of(ModelSpec.parse("mlp:16,8", 400, CLASSES), ModelSpec.parse("cnn:3,4/10,6", 400, CLASSES),
                ModelSpec.parse("cnn:2,3/5", 361, CLASSES));
    }

    private static FusedNetwork fused(ModelSpec spec, float[] w, OptimizerSpec opt, LossSpec loss, List<GradientTerm> terms) {
        return FusedNetworks.of(spec, w, opt, loss, terms);
    }

    private static int inputs(ModelSpec spec) {
        return spec instanceof CnnSpec cnn ? cnn.side() * cnn.side() : ((MlpSpec) spec).inputs();
    }

    private static float[] features(ModelSpec spec, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[BATCH * inputs(spec)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    private static int[] labels(long seed) {
        SplittableRandom r = new SplittableRandom(seed + 99);
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = r.nextInt(CLASSES);
        }
        return y;
    }

    private static DataSet dataSet(ModelSpec spec, float[] x, int[] y) {
        float[] oneHot = new float[BATCH * CLASSES];
        for (int i = 0; i < BATCH; i++) {
            oneHot[i * CLASSES + y[i]] = 1;
        }
        return new DataSet(Nd4j.create(x, new long[] {BATCH, inputs(spec)}, 'c'), Nd4j.create(oneHot, new long[] {BATCH, CLASSES}, 'c'));
    }

    private static void assertClose(float[] actual, float[] expected, double relative) {
        assertThat(actual).hasSameSizeAs(expected);
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(relative * scale + 1e-12));
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void gradientsAndScoresMatchDl4jForEveryLoss(ModelSpec model) {
        OptimizerSpec sgd = new OptimizerSpec("sgd", 0.1, 0);
        for (LossSpec loss : List.of(LossSpec.CROSS_ENTROPY, new LossSpec(0.3, true), new LossSpec(0.3, false))) {
            MultiLayerNetwork reference = ModelFactory.initialised(model, sgd, 5);
            float[] w = ModelFactory.weightsOf(reference);
            MultiLayerNetwork net = ModelFactory.withWeights(model, sgd, w, loss);
            DataSet batch = dataSet(model, features(model, 1), labels(1));
            net.setInput(batch.getFeatures());
            net.setLabels(batch.getLabels());
            net.computeGradientAndScore();
            // DL4J holds the batch-summed gradient here; the updater divides by the batch size later
            float[] dl4j = net.gradient().gradient().toFloatVector();
            FusedNetwork fused = fused(model, w, sgd, loss, List.of());
            double score = fused.lossAndGradient(features(model, 1), labels(1), BATCH);
            float[] ours = fused.gradient();
            for (int i = 0; i < ours.length; i++) {
                ours[i] *= BATCH;
            }
            assertClose(ours, dl4j, 1e-6);
            assertThat(score).as("%s", loss).isCloseTo(net.score(), within(1e-6 * Math.abs(net.score())));
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void optimiserStepsTrackDl4jsUpdaters(ModelSpec model) {
        for (OptimizerSpec opt : List.of(new OptimizerSpec("sgd", 0.1, 0), new OptimizerSpec("nesterov", 0.05, 0.9), new OptimizerSpec("adam", 0.01, 0))) {
            MultiLayerNetwork net = ModelFactory.initialised(model, opt, 7);
            float[] w = ModelFactory.weightsOf(net);
            FusedNetwork fused = fused(model, w, opt, LossSpec.CROSS_ENTROPY, List.of());
            for (int step = 0; step < 6; step++) {
                net.fit(dataSet(model, features(model, step), labels(step)));
                fused.step(features(model, step), labels(step), BATCH);
            }
            // six steps of float32 rounding in two orders of summation (OpenBLAS vs ND4J) over 400 inputs; Adam divides by
            // sqrt(v), so where a gradient is near rounding size its step magnifies the difference (typically 3e-5 here, 8e-5 seen)
            assertClose(fused.weights(), ModelFactory.weightsOf(net), opt.name().equals("adam") ? 2e-4 : 5e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void fusedEvaluationMatchesDl4js(ModelSpec model) {
        float[] w = ModelFactory.weightsOf(ModelFactory.initialised(model, new OptimizerSpec("sgd", 0.1, 0), 13));
        int n = 700; // several chunks and a partial one
        int features = inputs(model);
        SplittableRandom r = new SplittableRandom(4);
        float[] x = new float[n * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        int[] y = new int[n];
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(CLASSES);
            ids[i] = i;
        }
        int side = (int) Math.round(Math.sqrt(features));
        io.losslake.data.DenseClientData data = new io.losslake.data.DenseClientData(0, ids, x, y, new int[] {side, side}, CLASSES);
        io.losslake.federated.Evaluation dl4j = io.losslake.federated.Dl4jEvaluation.evaluate(
                ModelFactory.withWeights(model, new OptimizerSpec("sgd", 0.1, 0), w), data);
        io.losslake.federated.Evaluation fused = io.losslake.federated.Evaluator.evaluate(model, w, data);
        assertThat(fused.loss()).isCloseTo(dl4j.loss(), within(1e-5 * dl4j.loss()));
        assertThat(fused.accuracy()).isEqualTo(dl4j.accuracy());
        assertThat(fused.accuracy()).isBetween(0.0, 1.0);
    }

    @ParameterizedTest
    @MethodSource("models")
    void heavyBallMomentumFollowsPyTorchsRule(ModelSpec model) {
        // v = mu v + g, w -= lr v (torch.optim.SGD, dampening 0), with g from a fresh network at the current weights
        OptimizerSpec heavy = new OptimizerSpec("momentum", 0.05, 0.9);
        OptimizerSpec sgd = new OptimizerSpec("sgd", 0.05, 0);
        float[] w = ModelFactory.weightsOf(ModelFactory.initialised(model, sgd, 11));
        FusedNetwork trained = fused(model, w, heavy, LossSpec.CROSS_ENTROPY, List.of());
        double[] v = new double[w.length];
        double[] expected = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            expected[i] = w[i];
        }
        for (int step = 0; step < 4; step++) {
            FusedNetwork probe = fused(model, trained.weights(), sgd, LossSpec.CROSS_ENTROPY, List.of());
            probe.lossAndGradient(features(model, step), labels(step), BATCH);
            float[] g = probe.gradient();
            trained.step(features(model, step), labels(step), BATCH);
            for (int i = 0; i < w.length; i++) {
                v[i] = 0.9 * v[i] + g[i];
                expected[i] -= 0.05 * v[i];
            }
        }
        float[] want = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            want[i] = (float) expected[i];
        }
        assertClose(trained.weights(), want, 1e-5);
        assertThat(trained.weights()).isNotEqualTo(fused(model, w, sgd, LossSpec.CROSS_ENTROPY, List.of()).weights());
    }

    @ParameterizedTest
    @MethodSource("models")
    void gradientTermsAddTheirMeanGradient(ModelSpec model) {
        OptimizerSpec sgd = new OptimizerSpec("sgd", 0.1, 0);
        float[] w = ModelFactory.weightsOf(ModelFactory.initialised(model, sgd, 5));
        float[] anchor = new float[w.length];
        FusedNetwork plain = fused(model, w, sgd, LossSpec.CROSS_ENTROPY, List.of());
        FusedNetwork prox = fused(model, w, sgd, LossSpec.CROSS_ENTROPY, List.of(new ProximalTerm(anchor, 0.5)));
        plain.lossAndGradient(features(model, 3), labels(3), BATCH);
        prox.lossAndGradient(features(model, 3), labels(3), BATCH);
        float[] plainGrad = plain.gradient();
        float[] proxGrad = prox.gradient();
        for (int i = 0; i < w.length; i++) {
            assertThat(proxGrad[i] - plainGrad[i]).isCloseTo(0.5f * w[i], within(1e-6f));
        }
    }
}
