package io.losslake.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.losslake.data.DenseClientData;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    @Test
    void cosineFollowsItsClosedForm() {
        LearningRateSchedule s = LearningRateSchedule.COSINE.over(100);
        assertThat(s.factor(0)).isEqualTo(1.0);
        assertThat(s.factor(50)).isCloseTo(0.1 + 0.9 * 0.5, within(1e-12));
        assertThat(s.factor(25)).isCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)), within(1e-12));
        assertThat(s.factor(100)).isCloseTo(0.1, within(1e-12));
        assertThat(s.factor(1000)).isCloseTo(0.1, within(1e-12));
        LearningRateSchedule warm = new LearningRateSchedule("cosine", 0, 10, 110);
        assertThat(warm.factor(0)).isCloseTo(0.1, within(1e-12));
        assertThat(warm.factor(9)).isEqualTo(1.0);
        assertThat(warm.factor(10)).isEqualTo(1.0);
        assertThat(warm.factor(60)).isCloseTo(0.5, within(1e-12));
        assertThat(LearningRateSchedule.CONSTANT.over(100).factor(99)).isEqualTo(1.0);
        assertThatThrownBy(() -> new LearningRateSchedule("step", 0.1, 0, 0)).hasMessage("Invalid schedule 'step': expected constant or cosine.");
        assertThatThrownBy(() -> LearningRateSchedule.COSINE.factor(3)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFederatedClientTrainsAtItsRoundsRate() {
        LocalTraining local = new LocalTraining(1, 2, 8, new OptimizerSpec("sgd", 0.2, 0), "fused", LearningRateSchedule.COSINE.over(10));
        assertThat(local.atRound(1).optimizer().learningRate()).isEqualTo(0.2);
        assertThat(local.atRound(6).optimizer().learningRate()).isCloseTo(0.2 * (0.1 + 0.45), within(1e-12));
        LocalTraining constant = new LocalTraining(1, 2, 8, new OptimizerSpec("sgd", 0.2, 0), "fused");
        assertThat(constant.atRound(6)).isSameAs(constant);
    }

    @Test
    void aCentralisedRunFollowsTheScheduleOnBothTrainers() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 96;
        float[] x = new float[n * 12];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 12; j++) {
                x[i * 12 + j] = (float) (r.nextGaussian() + (j % 3 == y[i] ? 1 : 0));
            }
        }
        long[] ids = java.util.stream.LongStream.range(0, n).toArray();
        DenseClientData data = new DenseClientData(0, ids, x, y, new int[] {12}, 3);
        ModelSpec spec = ModelSpec.parse("mlp:8", 12, 3);
        OptimizerSpec sgd = new OptimizerSpec("sgd", 0.1, 0);
        long[] at = {320};
        Map<String, io.losslake.data.ClientData> evals = Map.of("d", data);
        for (String trainer : List.of("fused", "dl4j")) {
            double constant = run(spec, new LocalTraining(1, 0, 16, sgd, trainer), data, at, evals);
            // a cosine that ends where it starts is the constant rate, step for step
            double flat = run(spec, new LocalTraining(1, 0, 16, sgd, trainer, new LearningRateSchedule("cosine", 1, 0, 0)), data, at, evals);
            double cosine = run(spec, new LocalTraining(1, 0, 16, sgd, trainer, LearningRateSchedule.COSINE), data, at, evals);
            assertThat(flat).as(trainer).isEqualTo(constant);
            assertThat(cosine).as(trainer).isNotEqualTo(constant);
        }
        // the fused path and DL4J agree under the schedule as they do without it
        double fused = run(spec, new LocalTraining(1, 0, 16, sgd, "fused", LearningRateSchedule.COSINE), data, at, evals);
        double dl4j = run(spec, new LocalTraining(1, 0, 16, sgd, "dl4j", LearningRateSchedule.COSINE), data, at, evals);
        assertThat(fused).isCloseTo(dl4j, within(1e-4));
    }

    private static double run(ModelSpec spec, LocalTraining training, DenseClientData data, long[] at, Map<String, io.losslake.data.ClientData> evals) {
        return CentralisedTraining.run(spec, training, data, at, 5, evals).get(0).evals().get("d").loss();
    }
}
