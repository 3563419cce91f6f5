package io.losslake.federated.model;

import java.util.List;

/**
 * A network architecture as plain data: what to build, not how. {@link ModelFactory} turns it into
 * a DL4J network; FLOP accounting reads its {@link #denseLayers()}.
 */
public sealed interface ModelSpec permits MlpSpec, CnnSpec {

    /** The spelling users type, e.g. {@code mlp:200} or {@code mlp:256,128}. */
    String describe();

    /** Number of trainable parameters (weights and biases). */
    long parameterCount();

    /** The fully connected layers in order, as (inputs, outputs). */
    List<int[]> denseLayers();

    /** The layers in order, for FLOP accounting. */
    List<LayerShape> layers();

    /**
     * Parses a model spelling for inputs of {@code inputs} features and {@code outputs} classes.
     *
     * @throws IllegalArgumentException with a message naming the bad spelling
     */
    static ModelSpec parse(String text, int inputs, int outputs) {
        String spec = text == null ? "" : text.trim();
        if (spec.startsWith("mlp:")) {
            String[] parts = spec.substring(4).split(",");
            int[] widths = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    widths[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    widths[i] = -1;
                }
                if (widths[i] < 1) {
                    throw new IllegalArgumentException("Invalid --model '" + text
                            + "': hidden widths must be positive integers, e.g. mlp:200 or mlp:256,128.");
                }
            }
            return new MlpSpec(inputs, widths, outputs);
        }
        if (spec.equals("cnn") || spec.startsWith("cnn:")) {
            return CnnSpec.parse(text, spec.equals("cnn") ? "" : spec.substring(4), inputs, outputs);
        }
        throw new IllegalArgumentException("Invalid --model '" + text
                + "': expected mlp:<width>[,<width>...] (e.g. mlp:200) or cnn (NIID-Bench's LeNet-style CNN) or cnn:<c1>,<c2>/<h1>,<h2>.");
    }

    /**
     * One layer's shape for FLOP counting: a dense layer (in x out), or a convolution with its
     * kernel, channels and output size, optionally followed by max pooling (free of FLOPs here).
     */
    record LayerShape(String kind, int in, int out, int kernel, int outHeight, int outWidth) implements java.io.Serializable {
        public static LayerShape dense(int in, int out) {
            return new LayerShape("dense", in, out, 1, 1, 1);
        }

        public static LayerShape conv(int inChannels, int outChannels, int kernel, int outHeight, int outWidth) {
            return new LayerShape("conv", inChannels, outChannels, kernel, outHeight, outWidth);
        }

        /** Trainable parameters: weights and biases. */
        public long parameters() {
            return (long) in * out * kernel * kernel + out;
        }

        /** Multiply-adds of the forward pass per example. */
        public long forwardMacs() {
            return (long) in * out * kernel * kernel * outHeight * outWidth;
        }

        /** Output values per example (bias additions). */
        public long outputs() {
            return (long) out * outHeight * outWidth;
        }
    }
}
