package io.losslake.federated.barrier;

import io.losslake.federated.ParamLayout;
import io.losslake.federated.model.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's layer blocks, shallow to deep: each layer's weights and bias together, as the
 * reference code's {@code get_layer_blocks} groups a module's parameters (losslake's models have no
 * normalisation layers, which it makes blocks of their own).
 */
public final class LayerBlocks {
    /**
     * One block.
     *
     * @param index   0-based position, shallow first
     * @param layer   the layer's index in the network (DL4J's, so pooling layers count)
     * @param name    for tables and plots, e.g. {@code dense 784x200} or {@code conv 1x6 5x5}
     * @param tensors its tensors' slices of the flat weights
     */
    public record Block(int index, int layer, String name, List<ParamLayout.Tensor> tensors) implements java.io.Serializable {
        /** Parameters in the block. */
        public int size() {
            return tensors.stream().mapToInt(ParamLayout.Tensor::length).sum();
        }
    }

    private LayerBlocks() {
    }

    /** The blocks of {@code model}, whose flat layout is {@code layout}. */
    public static List<Block> of(ModelSpec model, ParamLayout layout) {
        Map<Integer, List<ParamLayout.Tensor>> byLayer = new LinkedHashMap<>();
        for (ParamLayout.Tensor t : layout.tensors()) {
            byLayer.computeIfAbsent(t.layer(), k -> new ArrayList<>()).add(t);
        }
        List<ModelSpec.LayerShape> shapes = model.layers();
        if (shapes.size() != byLayer.size()) {
            throw new IllegalStateException(model.describe() + " declares " + shapes.size() + " layers with parameters but its layout has "
                    + byLayer.size());
        }
        List<Block> blocks = new ArrayList<>();
        int i = 0;
        for (Map.Entry<Integer, List<ParamLayout.Tensor>> e : byLayer.entrySet()) {
            ModelSpec.LayerShape s = shapes.get(i);
            String name = s.kind().equals("conv") ? "conv " + s.in() + "x" + s.out() + " " + s.kernel() + "x" + s.kernel()
                    : s.kind() + " " + s.in() + "x" + s.out();
            blocks.add(new Block(i, e.getKey(), name, List.copyOf(e.getValue())));
            i++;
        }
        return List.copyOf(blocks);
    }
}
