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

    /**
     * A layer with parameters: {@code dense} (in x out), or {@code conv} (in and out channels, a
     * kernel x kernel window, an outHeight x outWidth output map).
     */
    public record Layer(String kind, int in, int out, int kernel, int outHeight, int outWidth) {
        /** Multiply-adds of the forward pass per example. */
        long macs() {
            return (long) in * out * kernel * kernel * outHeight * outWidth;
        }

        /** Output values per example, one bias addition each. */
        long outputs() {
            return (long) out * outHeight * outWidth;
        }
    }

    /**
     * Forward plus backward FLOPs per training example of a stack of dense and convolutional
     * layers: per layer 2 MACs + outputs forward; 2 MACs (weight gradient) + outputs (bias
     * gradient) + 2 MACs (input gradient, not for the first layer) backward. Pooling and
     * activations are not counted.
     */
    public static double trainingPerExample(List<Layer> layers) {
        double total = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            double macs = l.macs();
            total += 2 * macs + l.outputs();
            total += 2 * macs + l.outputs() + (i == 0 ? 0 : 2 * macs);
        }
        return total;
    }

    /** Forward FLOPs per evaluated example of a stack of dense and convolutional layers. */
    public static double inferencePerExample(List<Layer> layers) {
        double total = 0;
        for (Layer l : layers) {
            total += 2.0 * l.macs() + l.outputs();
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
