package io.losslake.federated.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A multi-layer perceptron: ReLU hidden layers of the given widths and a softmax output.
 *
 * @param inputs  input features
 * @param hidden  hidden layer widths, may be empty (multinomial logistic regression)
 * @param outputs classes
 */
public record MlpSpec(int inputs, int[] hidden, int outputs) implements ModelSpec, java.io.Serializable {

    public MlpSpec {
        if (inputs < 1 || outputs < 2) {
            throw new IllegalArgumentException("An MLP needs at least 1 input and 2 classes (got " + inputs + " and " + outputs + ").");
        }
        hidden = hidden.clone();
    }

    @Override
    public String describe() {
        return "mlp:" + Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Override
    public List<int[]> denseLayers() {
        List<int[]> layers = new ArrayList<>();
        int in = inputs;
        for (int width : hidden) {
            layers.add(new int[] {in, width});
            in = width;
        }
        layers.add(new int[] {in, outputs});
        return layers;
    }

    @Override
    public List<LayerShape> layers() {
        return denseLayers().stream().map(l -> LayerShape.dense(l[0], l[1])).toList();
    }

    @Override
    public long parameterCount() {
        long n = 0;
        for (int[] layer : denseLayers()) {
            n += (long) layer[0] * layer[1] + layer[1];
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MlpSpec other && inputs == other.inputs && outputs == other.outputs && Arrays.equals(hidden, other.hidden);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * inputs + outputs) + Arrays.hashCode(hidden);
    }

    @Override
    public String toString() {
        return describe() + " (" + inputs + " -> " + outputs + ")";
    }
}
