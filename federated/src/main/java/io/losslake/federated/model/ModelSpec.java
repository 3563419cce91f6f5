package io.losslake.federated.model;

import java.util.List;

/**
 * A network architecture as plain data: what to build, not how. {@link ModelFactory} turns it into
 * a DL4J network; FLOP accounting reads its {@link #denseLayers()}.
 */
public sealed interface ModelSpec permits MlpSpec {

    /** The spelling users type, e.g. {@code mlp:200} or {@code mlp:256,128}. */
    String describe();

    /** Number of trainable parameters (weights and biases). */
    long parameterCount();

    /** The fully connected layers in order, as (inputs, outputs). */
    List<int[]> denseLayers();

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
        throw new IllegalArgumentException("Invalid --model '" + text
                + "': expected mlp:<width>[,<width>...], e.g. mlp:200 or mlp:256,128.");
    }
}
