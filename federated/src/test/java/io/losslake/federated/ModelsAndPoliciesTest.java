package io.losslake.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.losslake.federated.model.CnnSpec;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ModelsAndPoliciesTest {
    private static final OptimizerSpec SGD = new OptimizerSpec("sgd", 0.1, 0);

    @Test
    void theNiidBenchCnnHasTheirShapesAndParameterCount() {
        CnnSpec cnn = (CnnSpec) ModelSpec.parse("cnn", 784, 10);
        assertThat(cnn.flattened()).isEqualTo(16 * 4 * 4);
        // conv 1x6x5x5+6, conv 6x16x5x5+16, 256x120+120, 120x84+84, 84x10+10
        assertThat(cnn.parameterCount()).isEqualTo(156 + 2_416 + 30_840 + 10_164 + 850);
        MultiLayerNetwork net = ModelFactory.initialised(cnn, SGD, 1);
        assertThat(net.numParams()).isEqualTo(cnn.parameterCount());
        assertThat(ModelSpec.parse("cnn:4,8/32", 784, 10).describe()).isEqualTo("cnn:4,8/32");
        assertThatThrownBy(() -> ModelSpec.parse("cnn", 100 * 3, 10)).hasMessageContaining("square");
        assertThatThrownBy(() -> ModelSpec.parse("cnn:4/32", 784, 10)).hasMessageContaining("cnn:<c1>,<c2>");
    }

    @Test
    void theLayoutLocatesEveryTensorOfTheFlatVector() {
        for (ModelSpec spec : List.of(ModelSpec.parse("mlp:7,5", 12, 3), ModelSpec.parse("cnn", 784, 10))) {
            MultiLayerNetwork net = ModelFactory.initialised(spec, SGD, 4);
            ParamLayout layout = ParamLayout.of(net);
            assertThat(layout.size()).isEqualTo(spec.parameterCount());
            float[] flat = ModelFactory.weightsOf(net);
            for (ParamLayout.Tensor t : layout.tensors()) {
                INDArray view = net.paramTable().get(t.name());
                float[] values = view.dup('f').reshape(view.length()).toFloatVector();
                float[] slice = java.util.Arrays.copyOfRange(flat, t.offset(), t.offset() + t.length());
                java.util.Arrays.sort(values);
                java.util.Arrays.sort(slice);
                assertThat(slice).as(t.name()).containsExactly(values);
            }
        }
    }

    @Test
    void personalLayersStayWithTheClient() {
        ModelSpec spec = ModelSpec.parse("mlp:4", 3, 2);
        ParamLayout layout = ParamLayout.of(ModelFactory.initialised(spec, SGD, 1));
        LayerPolicy head = new LayerPolicy(Set.of(1));
        head.validate(layout);
        float[] global = new float[(int) spec.parameterCount()];
        float[] trained = new float[global.length];
        java.util.Arrays.fill(trained, 7f);
        ClientState kept = head.keep(trained, ClientState.EMPTY, layout);
        float[] start = head.startWeights(global, kept, layout);
        ParamLayout.Tensor w1 = layout.ofLayers(List.of(1)).get(0);
        assertThat(start[w1.offset()]).isEqualTo(7f);
        assertThat(start[0]).isEqualTo(0f);
        assertThat(head.startWeights(global, ClientState.EMPTY, layout)).containsOnly(0f);
        assertThatThrownBy(() -> new LayerPolicy(Set.of(0, 1)).validate(layout)).hasMessageContaining("nothing would be federated");
        assertThatThrownBy(() -> new LayerPolicy(Set.of(5)).validate(layout)).hasMessageContaining("layer 5 has no parameters");
    }

    @Test
    void theThreeLossTermsSumToTheGlobalLoss() {
        long[] n = {10, 30};
        double[] own = {0.2, 0.4};
        double[] sample = {0.9, 0.7};
        LossDecomposition d = LossDecomposition.of(n, own, sample, 0.6);
        assertThat(d.local()).isCloseTo(0.25 * 0.2 + 0.75 * 0.4, within(1e-12));
        assertThat(d.shift()).isCloseTo(0.25 * 0.7 + 0.75 * 0.3, within(1e-12));
        assertThat(d.aggregation()).isCloseTo(0.6 - (0.25 * 0.9 + 0.75 * 0.7), within(1e-12));
        assertThat(d.sum()).isCloseTo(d.global(), within(1e-12));
        assertThat(ClientState.EMPTY.with("a", new float[] {1}).tensors()).containsOnlyKeys("a");
        assertThat(new ClientState(Map.of()).isEmpty()).isTrue();
    }
}
