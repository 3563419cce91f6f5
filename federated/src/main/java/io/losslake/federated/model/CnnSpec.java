package io.losslake.federated.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A LeNet-style convolutional network for square single-channel images: two 5x5 valid
 * convolutions with ReLU, each followed by 2x2 max pooling, then ReLU dense layers and a softmax
 * output. The default, {@code cnn}, is NIID-Bench's simple CNN (Li et al., 2022): convolutions of
 * 6 and 16 channels, dense layers of 120 and 84.
 *
 * @param side     image side (28 for Fashion-MNIST)
 * @param channels the two convolutions' output channels
 * @param hidden   the dense layers' widths
 * @param outputs  classes
 */
public record CnnSpec(int side, int[] channels, int[] hidden, int outputs) implements ModelSpec, java.io.Serializable {
    public static final int KERNEL = 5;

    public CnnSpec {
        channels = channels.clone();
        hidden = hidden.clone();
        if (channels.length != 2) {
            throw new IllegalArgumentException("the CNN has exactly two convolutions");
        }
        if (side < 16 || afterConvs(side) < 1) {
            throw new IllegalArgumentException("A CNN needs square images of at least 16x16 pixels (got side " + side + ").");
        }
    }

    static CnnSpec parse(String text, String args, int inputs, int outputs) {
        int side = (int) Math.round(Math.sqrt(inputs));
        if (side * side != inputs) {
            throw new IllegalArgumentException("Invalid --model '" + text + "': a CNN needs square single-channel images, but the data has "
                    + inputs + " features per example.");
        }
        if (args.isEmpty()) {
            return new CnnSpec(side, new int[] {6, 16}, new int[] {120, 84}, outputs);
        }
        String[] parts = args.split("/");
        try {
            if (parts.length == 2) {
                int[] channels = ints(parts[0]);
                int[] hidden = ints(parts[1]);
                if (channels.length == 2 && positive(channels) && positive(hidden)) {
                    return new CnnSpec(side, channels, hidden, outputs);
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("Invalid --model '" + text + "': expected cnn or cnn:<c1>,<c2>/<h1>[,<h2>...], e.g. cnn:6,16/120,84.");
    }

    private static int[] ints(String csv) {
        String[] parts = csv.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i].trim());
        }
        return out;
    }

    private static boolean positive(int[] values) {
        for (int v : values) {
            if (v < 1) {
                return false;
            }
        }
        return values.length > 0;
    }

    /** Side after conv(5, valid) -> pool 2 -> conv(5, valid) -> pool 2. */
    static int afterConvs(int side) {
        return ((side - KERNEL + 1) / 2 - KERNEL + 1) / 2;
    }

    /** Values entering the first dense layer. */
    public int flattened() {
        int s = afterConvs(side);
        return channels[1] * s * s;
    }

    @Override
    public String describe() {
        return "cnn:" + channels[0] + "," + channels[1] + "/" + String.join(",", java.util.Arrays.stream(hidden).mapToObj(Integer::toString).toList());
    }

    @Override
    public List<int[]> denseLayers() {
        List<int[]> layers = new ArrayList<>();
        int in = flattened();
        for (int width : hidden) {
            layers.add(new int[] {in, width});
            in = width;
        }
        layers.add(new int[] {in, outputs});
        return layers;
    }

    @Override
    public List<LayerShape> layers() {
        List<LayerShape> layers = new ArrayList<>();
        int conv1 = side - KERNEL + 1;
        layers.add(LayerShape.conv(1, channels[0], KERNEL, conv1, conv1));
        int conv2 = conv1 / 2 - KERNEL + 1;
        layers.add(LayerShape.conv(channels[0], channels[1], KERNEL, conv2, conv2));
        for (int[] d : denseLayers()) {
            layers.add(LayerShape.dense(d[0], d[1]));
        }
        return layers;
    }

    @Override
    public long parameterCount() {
        return layers().stream().mapToLong(LayerShape::parameters).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CnnSpec c && c.side == side && c.outputs == outputs && java.util.Arrays.equals(c.channels, channels)
                && java.util.Arrays.equals(c.hidden, hidden);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(channels) * 31 + java.util.Arrays.hashCode(hidden) + side * 7 + outputs;
    }

    @Override
    public String toString() {
        return describe() + " (" + side + "x" + side + " -> " + outputs + ")";
    }
}
