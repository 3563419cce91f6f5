package io.losslake.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.losslake.federated.model.MlpSpec;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import org.junit.jupiter.api.Test;

/** Local training settings and model spellings are checked with one sentence naming the flag. */
class LocalSettingsTest {
    private static final LocalTraining LOCAL = new LocalTraining(1, 32, new OptimizerSpec("sgd", 0.1, 0));

    @Test
    void parsesModels() {
        ModelSpec model = ModelSpec.parse("mlp:200", 784, 10);
        assertThat(model).isEqualTo(new MlpSpec(784, new int[] {200}, 10));
        assertThat(model.parameterCount()).isEqualTo(784L * 200 + 200 + 200 * 10 + 10);
        assertThat(LOCAL.steps()).isZero();
    }

    @Test
    void rejectsBadModelsOptimisersAndLocalSettings() {
        assertThatThrownBy(() -> ModelSpec.parse("resnet", 784, 10)).hasMessageStartingWith("Invalid --model 'resnet': expected mlp:");
        assertThatThrownBy(() -> ModelSpec.parse("mlp:0", 784, 10)).hasMessageContaining("positive integers");
        assertThatThrownBy(() -> ModelSpec.parse("mlp:12,x", 784, 10)).hasMessageContaining("positive integers");
        assertThatThrownBy(() -> new OptimizerSpec("rmsprop", 0.1, 0)).hasMessageContaining("expected one of sgd, nesterov, momentum, adam");
        assertThatThrownBy(() -> new OptimizerSpec("sgd", 0, 0)).hasMessageContaining("--lr 0.0");
        assertThatThrownBy(() -> new OptimizerSpec("sgd", Double.NaN, 0)).hasMessageContaining("--lr NaN");
        assertThatThrownBy(() -> new OptimizerSpec("nesterov", 0.1, 1.0)).hasMessageContaining("--momentum 1.0");
        assertThatThrownBy(() -> new LocalTraining(0, 32, LOCAL.optimizer())).hasMessageContaining("--local-epochs 0");
        assertThatThrownBy(() -> new LocalTraining(1, 0, LOCAL.optimizer())).hasMessageContaining("--batch-size 0");
        assertThatThrownBy(() -> new LocalTraining(1, -2, 32, LOCAL.optimizer())).hasMessageContaining("--local-steps -2");
        assertThatThrownBy(() -> new LocalTraining(1, 0, 32, new OptimizerSpec("momentum", 0.01, 0.9), "dl4j"))
                .hasMessageContaining("DL4J has no heavy-ball momentum");
    }
}
