package io.losslake.federated;

import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.ImageSubset;
import io.losslake.data.LabeledImages;
import io.losslake.data.testing.SyntheticImages;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {
    private static final LabeledImages DATA = SyntheticImages.generate("synthetic", 300, 6, 4, 7);
    private static final ModelSpec MODEL = ModelSpec.parse("mlp:16", 36, 4);
    private static final OptimizerSpec SGD = new OptimizerSpec("sgd", 0.1, 0);
    private static final int[] ALL = IntStream.range(0, 300).toArray();

    @Test
    void weightsSurviveTheFlatRoundTripAndCountMatchesTheSpec() {
        MultiLayerNetwork net = ModelFactory.initialised(MODEL, SGD, 3);
        assertThat(net.numParams()).isEqualTo(MODEL.parameterCount());
        float[] flat = ModelFactory.weightsOf(net);
        assertThat(ModelFactory.weightsOf(ModelFactory.withWeights(MODEL, SGD, flat))).containsExactly(flat);
    }

    @Test
    void trainingLowersTheLossOnTheClientsData() {
        float[] start = ModelFactory.weightsOf(ModelFactory.initialised(MODEL, SGD, 3));
        Evaluation before = Dl4jEvaluation.evaluate(ModelFactory.withWeights(MODEL, SGD, start), DATA);
        ClientUpdate update = LocalTrainer.train(MODEL, start, new ImageSubset(5, DATA, ALL), new LocalTraining(5, 16, SGD), 11);
        Evaluation after = Dl4jEvaluation.evaluate(ModelFactory.withWeights(MODEL, SGD, update.weights()), DATA);
        assertThat(update.clientId()).isEqualTo(5);
        assertThat(update.numExamples()).isEqualTo(300);
        assertThat(update.stepsTaken()).isEqualTo(5 * 19); // ceil(300 / 16) steps per epoch
        assertThat(after.loss()).isLessThan(before.loss() * 0.5);
        assertThat(after.accuracy()).isGreaterThan(0.9);
        assertThat(update.trainLoss()).isFinite().isPositive();
    }

    @Test
    void isAPureFunctionOfItsSeed() {
        float[] start = ModelFactory.weightsOf(ModelFactory.initialised(MODEL, SGD, 3));
        int[] half = Arrays.copyOf(ALL, 150);
        LocalTraining local = new LocalTraining(2, 10, SGD);
        ClientUpdate a = LocalTrainer.train(MODEL, start, new ImageSubset(0, DATA, half), local, 99);
        ClientUpdate b = LocalTrainer.train(MODEL, start, new ImageSubset(0, DATA, half), local, 99);
        ClientUpdate c = LocalTrainer.train(MODEL, start, new ImageSubset(0, DATA, half), local, 100);
        assertThat(a.weights()).containsExactly(b.weights());
        assertThat(a.trainLoss()).isEqualTo(b.trainLoss());
        assertThat(Arrays.equals(a.weights(), c.weights())).isFalse();
    }

    @Test
    void evaluatorMatchesAHandComputedCrossEntropy() {
        MultiLayerNetwork net = ModelFactory.initialised(MODEL, SGD, 3);
        int[] some = {0, 1, 2, 3, 4};
        Evaluation evaluation = Dl4jEvaluation.evaluate(net, DATA, some);
        double loss = 0;
        int right = 0;
        for (int i : some) {
            float[] x = new float[36];
            DATA.copyFeatures(i, x, 0);
            float[] p = net.output(org.nd4j.linalg.factory.Nd4j.create(x, new long[] {1, 36}, 'c')).toFloatVector();
            loss -= Math.log(p[DATA.label(i)]);
            int best = 0;
            for (int k = 1; k < p.length; k++) {
                best = p[k] > p[best] ? k : best;
            }
            right += best == DATA.label(i) ? 1 : 0;
        }
        assertThat(evaluation.loss()).isCloseTo(loss / 5, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(evaluation.accuracy()).isEqualTo(right / 5.0);
        assertThat(evaluation.examples()).isEqualTo(5);
        // the evaluator every run uses (the fused forward pass) against the same hand computation
        Evaluation fused = Evaluator.evaluate(MODEL, ModelFactory.weightsOf(net), new ImageSubset(-1, DATA, some));
        assertThat(fused.loss()).isCloseTo(loss / 5, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(fused.accuracy()).isEqualTo(right / 5.0);
        assertThat(fused.examples()).isEqualTo(5);
    }
}
