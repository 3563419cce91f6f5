package io.losslake.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.losslake.federated.model.MlpSpec;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import org.junit.jupiter.api.Test;

class FederatedConfigTest {
    private static final LocalTraining LOCAL = new LocalTraining(1, 32, new OptimizerSpec("sgd", 0.1, 0));

    @Test
    void acceptsSensibleSettings() {
        FederatedConfig config = new FederatedConfig(10, 5, "mlp:200", LOCAL, "fedavg", 42);
        ModelSpec model = config.modelFor(784, 10);
        assertThat(model).isEqualTo(new MlpSpec(784, new int[] {200}, 10));
        assertThat(model.parameterCount()).isEqualTo(784L * 200 + 200 + 200 * 10 + 10);
    }

    @Test
    void rejectsNonPositiveClientsAndRounds() {
        assertThatThrownBy(() -> new FederatedConfig(0, 5, "mlp:200", LOCAL, "fedavg", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid --clients 0: expected at least 1 client.");
        assertThatThrownBy(() -> new FederatedConfig(10, -1, "mlp:200", LOCAL, "fedavg", 1))
                .hasMessage("Invalid --rounds -1: expected at least 1 round.");
    }

    @Test
    void rejectsBadModelsOptimisersAndLocalSettings() {
        assertThatThrownBy(() -> new FederatedConfig(10, 5, "resnet", LOCAL, "fedavg", 1))
                .hasMessageStartingWith("Invalid --model 'resnet': expected mlp:");
        assertThatThrownBy(() -> new FederatedConfig(10, 5, "mlp:0", LOCAL, "fedavg", 1))
                .hasMessageContaining("positive integers");
        assertThatThrownBy(() -> new FederatedConfig(10, 5, "mlp:12,x", LOCAL, "fedavg", 1))
                .hasMessageContaining("positive integers");
        assertThatThrownBy(() -> new OptimizerSpec("rmsprop", 0.1, 0)).hasMessageContaining("expected one of sgd, nesterov, adam");
        assertThatThrownBy(() -> new OptimizerSpec("sgd", 0, 0)).hasMessageContaining("--lr 0.0");
        assertThatThrownBy(() -> new OptimizerSpec("sgd", Double.NaN, 0)).hasMessageContaining("--lr NaN");
        assertThatThrownBy(() -> new OptimizerSpec("nesterov", 0.1, 1.0)).hasMessageContaining("--momentum 1.0");
        assertThatThrownBy(() -> new LocalTraining(0, 32, LOCAL.optimizer())).hasMessageContaining("--local-epochs 0");
        assertThatThrownBy(() -> new LocalTraining(1, 0, LOCAL.optimizer())).hasMessageContaining("--batch-size 0");
    }
}
