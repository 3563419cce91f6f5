package io.losslake.federated;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where each parameter tensor lives in a model's flat weight vector: DL4J concatenates layers in
 * order and, within a layer, its parameters in table order (W, then b). Tensors are named
 * {@code <layer>_<param>}, e.g. {@code 0_W}, {@code 4_b}, as in DL4J's parameter table.
 *
 * @param tensors in flat order, contiguous, covering the whole vector
 */
public record ParamLayout(List<Tensor> tensors) implements java.io.Serializable {

    /** One tensor: its name, the layer it belongs to, and its slice of the flat vector. */
    public record Tensor(String name, int layer, int offset, int length) implements java.io.Serializable {
    }

    public static ParamLayout of(MultiLayerNetwork net) {
        List<Tensor> tensors = new ArrayList<>();
        int offset = 0;
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            String name = e.getKey();
            int layer = Integer.parseInt(name.substring(0, name.indexOf('_')));
            int length = (int) e.getValue().length();
            tensors.add(new Tensor(name, layer, offset, length));
            offset += length;
        }
        return new ParamLayout(List.copyOf(tensors));
    }

    /** Total parameters. */
    public int size() {
        Tensor last = tensors.get(tensors.size() - 1);
        return last.offset() + last.length();
    }

    /** Layer indices that have parameters, in order. */
    public List<Integer> layers() {
        return tensors.stream().map(Tensor::layer).distinct().toList();
    }

    /** The tensors of the given layers. */
    public List<Tensor> ofLayers(java.util.Collection<Integer> layers) {
        return tensors.stream().filter(t -> layers.contains(t.layer())).toList();
    }
}
