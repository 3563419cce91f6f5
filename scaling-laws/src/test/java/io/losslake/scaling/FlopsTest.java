package io.losslake.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlopsTest {
    @Test
    void countsA784x256x10PerceptronByHand() {
        List<int[]> layers = List.of(new int[] {784, 256}, new int[] {256, 10});
        // forward: 2*784*256 + 256 + 2*256*10 + 10 = 401,408 + 256 + 5,120 + 10
        double forward = 401_408 + 256 + 5_120 + 10;
        // backward: layer 1 (first: no input gradient) 401,408 + 256; layer 2: 5,120 + 10 + 5,120
        double backward = 401_408 + 256 + 5_120 + 10 + 5_120;
        assertThat(Flops.denseInferencePerExample(layers)).isEqualTo(forward);
        assertThat(Flops.denseTrainingPerExample(layers)).isEqualTo(forward + backward);
    }

    @Test
    void countsConvolutionsByTheirOutputMapAndAgreesWithTheDenseFormula() {
        // conv 1->6, 5x5, 24x24 output: 6*25*576 = 86,400 MACs, 3,456 outputs
        Flops.Layer conv = new Flops.Layer("conv", 1, 6, 5, 24, 24);
        assertThat(Flops.trainingPerExample(List.of(conv))).isEqualTo(2 * 86_400 + 3_456 + 2 * 86_400 + 3_456);
        Flops.Layer dense = new Flops.Layer("dense", 784, 256, 1, 1, 1);
        Flops.Layer head = new Flops.Layer("dense", 256, 10, 1, 1, 1);
        assertThat(Flops.trainingPerExample(List.of(dense, head)))
                .isEqualTo(Flops.denseTrainingPerExample(List.of(new int[] {784, 256}, new int[] {256, 10})));
        assertThat(Flops.inferencePerExample(List.of(dense, head)))
                .isEqualTo(Flops.denseInferencePerExample(List.of(new int[] {784, 256}, new int[] {256, 10})));
    }

    @Test
    void approachesSixFlopsPerParameterForDeepWideStacks() {
        int width = 4096;
        List<int[]> layers = List.of(new int[] {width, width}, new int[] {width, width}, new int[] {width, width},
                new int[] {width, width}, new int[] {width, width}, new int[] {width, width}, new int[] {width, width},
                new int[] {width, width}, new int[] {width, width}, new int[] {width, width});
        double params = 10.0 * ((double) width * width + width);
        // Only the first layer skips its input gradient: 6N - 2*width^2, i.e. 5.8 N for 10 layers.
        assertThat(Flops.denseTrainingPerExample(layers) / params).isCloseTo(5.8, within(0.01));
    }
}
