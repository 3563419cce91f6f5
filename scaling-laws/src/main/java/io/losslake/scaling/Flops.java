package io.losslake.scaling;

import java.util.List;

/**
 * Analytic floating-point operation counts per training example, layer by layer, for the compute
 * axis C of scaling-law fits.
 *
 * <p>Convention (as Kaplan et al. and Hoffmann et al. count): a multiply-add is 2 FLOPs; matrix
 * products and bias additions are counted, activations, softmax and the loss are not (they are
 * O(width), not O(width^2)). For a dense layer of {@code in x out} weights:
 * <ul>
 *   <li>forward: {@code 2*in*out} (product) + {@code out} (bias);</li>
 *   <li>backward: {@code 2*in*out} (weight gradient) + {@code out} (bias gradient) +
 *       {@code 2*in*out} (gradient to the layer's input, skipped for the first layer, whose input
 *       is data).</li>
 * </ul>
 * For wide networks this tends to the familiar 6N FLOPs per example.
 */
public final class Flops {
    private Flops() {
    }

    /** Forward FLOPs per example of an {@code in x out} dense layer. */
    public static double denseForward(int in, int out) {
        return 2.0 * in * out + out;
    }

    /** Backward FLOPs per example of an {@code in x out} dense layer. */
    public static double denseBackward(int in, int out, boolean firstLayer) {
        return 2.0 * in * out + out + (firstLayer ? 0 : 2.0 * in * out);
    }

    /** Forward plus backward FLOPs per training example of a stack of dense layers given as (in, out). */
    public static double denseTrainingPerExample(List<int[]> layers) {
        double total = 0;
        for (int i = 0; i < layers.size(); i++) {
            int in = layers.get(i)[0];
            int out = layers.get(i)[1];
            total += denseForward(in, out) + denseBackward(in, out, i == 0);
        }
        return total;
    }

    /** Forward FLOPs per evaluated example of a stack of dense layers. */
    public static double denseInferencePerExample(List<int[]> layers) {
        double total = 0;
        for (int[] layer : layers) {
            total += denseForward(layer[0], layer[1]);
        }
        return total;
    }
}
