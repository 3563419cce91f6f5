package io.losslake.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.losslake.data.ImageSubset;
import io.losslake.data.LabeledImages;
import io.losslake.data.testing.SyntheticImages;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.GradientTerm;
import io.losslake.federated.objective.LinearTerm;
import io.losslake.federated.objective.ProximalTerm;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Local objective terms inside real DL4J training, checked against their closed forms. */
class ObjectivesTest {
    private static final LabeledImages DATA = SyntheticImages.generate("s", 64, 6, 4, 3);
    private static final ModelSpec MODEL = ModelSpec.parse("mlp:8", 36, 4);
    private static final double LR = 0.1;
    private static final LocalTraining ONE_STEP = new LocalTraining(1, 1, 64, new OptimizerSpec("sgd", LR, 0));
    private static final ImageSubset CLIENT = new ImageSubset(0, DATA, IntStream.range(0, 64).toArray());

    private static ClientProgram with(GradientTerm term) {
        return new ClientProgram() {
            @Override
            public List<GradientTerm> gradientTerms(float[] start, ClientState state) {
                return List.of(term);
            }
        };
    }

    private static float[] step(float[] start, ClientProgram program) {
        return LocalTrainer.train(MODEL, start, CLIENT, ONE_STEP, 1, program, ClientState.EMPTY, 1.0).weights();
    }

    @Test
    void theProximalTermAddsMuTimesTheDistanceToTheGradient() {
        float[] w0 = ModelFactory.weightsOf(ModelFactory.initialised(MODEL, ONE_STEP.optimizer(), 2));
        float[] anchor = w0.clone();
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < anchor.length; i++) {
            anchor[i] += (float) (r.nextDouble() - 0.5);
        }
        double mu = 0.7;
        float[] plain = step(w0, ClientProgram.PLAIN);
        float[] prox = step(w0, with(new ProximalTerm(anchor, mu)));
        // one SGD step: w1' - w1 = -lr * mu * (w0 - anchor), the data gradient being the same
        for (int i = 0; i < w0.length; i++) {
            assertThat(prox[i] - plain[i]).isCloseTo((float) (-LR * mu * (w0[i] - anchor[i])), within(2e-6f));
        }
        // and the term's value has that gradient (central finite differences)
        ProximalTerm term = new ProximalTerm(anchor, mu);
        for (int i : new int[] {0, 17, w0.length - 1}) {
            float[] up = w0.clone();
            float[] down = w0.clone();
            double h = 1e-3;
            up[i] += (float) h;
            down[i] -= (float) h;
            double fd = (term.value(up) - term.value(down)) / ((double) up[i] - down[i]);
            assertThat(fd).isCloseTo(mu * (w0[i] - anchor[i]), within(1e-4));
        }
    }

    @Test
    void aLinearTermShiftsEveryStepByItsDirection() {
        float[] w0 = ModelFactory.weightsOf(ModelFactory.initialised(MODEL, ONE_STEP.optimizer(), 2));
        float[] v = new float[w0.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 7) * 0.01f - 0.03f;
        }
        float[] plain = step(w0, ClientProgram.PLAIN);
        float[] corrected = step(w0, with(new LinearTerm(v)));
        for (int i = 0; i < w0.length; i++) {
            assertThat(corrected[i] - plain[i]).isCloseTo((float) (-LR * v[i]), within(2e-6f));
        }
    }

    @Test
    void scaffoldsStepCorrectionIsALinearTermUnderSgdAndStaysOutsideMomentum() {
        float[] w0 = ModelFactory.weightsOf(ModelFactory.initialised(MODEL, ONE_STEP.optimizer(), 2));
        float[] v = new float[w0.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 5) * 0.02f - 0.04f;
        }
        ClientProgram corrected = new ClientProgram() {
            @Override
            public float[] stepCorrection(float[] start, ClientState state) {
                return v;
            }
        };
        for (String trainer : List.of("fused", "dl4j")) {
            LocalTraining sgd = new LocalTraining(1, 1, 64, new OptimizerSpec("sgd", LR, 0), trainer);
            float[] viaGradient = LocalTrainer.train(MODEL, w0, CLIENT, sgd, 1, with(new LinearTerm(v)), ClientState.EMPTY, 1.0).weights();
            float[] viaStep = LocalTrainer.train(MODEL, w0, CLIENT, sgd, 1, corrected, ClientState.EMPTY, 1.0).weights();
            for (int i = 0; i < w0.length; i++) {
                assertThat(viaStep[i]).as("%s %d", trainer, i).isCloseTo(viaGradient[i], within(2e-6f));
            }
            // Nesterov's first step moves (1 + mu) lr g: a gradient term would shift by 1.9 lr v, the correction by lr v
            LocalTraining nesterov = new LocalTraining(1, 1, 64, new OptimizerSpec("nesterov", LR, 0.9), trainer);
            float[] plain = LocalTrainer.train(MODEL, w0, CLIENT, nesterov, 1, ClientProgram.PLAIN, ClientState.EMPTY, 1.0).weights();
            float[] shifted = LocalTrainer.train(MODEL, w0, CLIENT, nesterov, 1, corrected, ClientState.EMPTY, 1.0).weights();
            for (int i = 0; i < w0.length; i++) {
                assertThat(shifted[i] - plain[i]).as("%s %d", trainer, i).isCloseTo((float) (-LR * v[i]), within(2e-6f));
            }
        }
    }

    @Test
    void theMarginLossTrainsAndPenalisesConfidence() {
        float[] w0 = ModelFactory.weightsOf(ModelFactory.initialised(MODEL, ONE_STEP.optimizer(), 2));
        LocalTraining training = new LocalTraining(20, 16, new OptimizerSpec("sgd", 0.2, 0));
        ClientProgram margin = new ClientProgram() {
            @Override
            public LossSpec loss() {
                return new LossSpec(1.0, true);
            }
        };
        ClientUpdate plain = LocalTrainer.train(MODEL, w0, CLIENT, training, 5, ClientProgram.PLAIN, ClientState.EMPTY, 1.0);
        ClientUpdate damped = LocalTrainer.train(MODEL, w0, CLIENT, training, 5, margin, ClientState.EMPTY, 1.0);
        double confidentPlain = meanSquaredProbability(plain.weights());
        double confidentDamped = meanSquaredProbability(damped.weights());
        assertThat(Dl4jEvaluation.evaluate(ModelFactory.withWeights(MODEL, training.optimizer(), damped.weights()), DATA).accuracy()).isGreaterThan(0.9);
        assertThat(confidentDamped).isLessThan(confidentPlain);
    }

    private static double meanSquaredProbability(float[] weights) {
        float[][] p = ModelFactory.withWeights(MODEL, ONE_STEP.optimizer(), weights)
                .output(org.nd4j.linalg.factory.Nd4j.create(features(), new long[] {64, 36}, 'c')).toFloatMatrix();
        double sum = 0;
        for (float[] row : p) {
            for (float v : row) {
                sum += v * v;
            }
        }
        return sum / p.length;
    }

    private static float[] features() {
        float[] x = new float[64 * 36];
        for (int i = 0; i < 64; i++) {
            DATA.copyFeatures(i, x, i * 36);
        }
        return x;
    }

    @Test
    void stragglersRunTheirShareOfStepsAndFreshClientsStartFromTheStartWeights() {
        float[] w0 = ModelFactory.weightsOf(ModelFactory.initialised(MODEL, ONE_STEP.optimizer(), 2));
        LocalTraining training = new LocalTraining(2, 8, new OptimizerSpec("sgd", 0.1, 0));
        ClientUpdate full = LocalTrainer.train(MODEL, w0, CLIENT, training, 5, ClientProgram.PLAIN, ClientState.EMPTY, 1.0);
        ClientUpdate part = LocalTrainer.train(MODEL, w0, CLIENT, training, 5, ClientProgram.PLAIN, ClientState.EMPTY, 0.25);
        assertThat(full.stepsTaken()).isEqualTo(16);
        assertThat(full.examplesProcessed()).isEqualTo(128);
        assertThat(part.stepsTaken()).isEqualTo(4);
        assertThat(part.partial()).isTrue();
        LocalTraining fixedSteps = new LocalTraining(1, 5, 8, new OptimizerSpec("sgd", 0.1, 0));
        assertThat(LocalTrainer.train(MODEL, w0, CLIENT, fixedSteps, 5).stepsTaken()).isEqualTo(5);
    }
}
