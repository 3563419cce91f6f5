package io.losslake.federated;

import io.losslake.data.ClientData;
import io.losslake.data.ImageSubset;
import io.losslake.data.LabeledImages;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The reference backend: a DL4J network's own output, tallied as {@link Evaluator} tallies the fused pass. */
public final class Dl4jEvaluation {
    private static final int CHUNK = 2048;

    private Dl4jEvaluation() {
    }

    public static Evaluation evaluate(MultiLayerNetwork net, ClientData data) {
        int features = data.featureSize();
        return Evaluator.tally(data, CHUNK, (x, size) -> {
            INDArray input = Nd4j.create(java.util.Arrays.copyOf(x, size * features), new long[] {size, features}, 'c');
            return net.output(input, false).reshape(size * (long) data.numClasses()).toFloatVector();
        });
    }

    /** On every example of {@code data}. */
    public static Evaluation evaluate(MultiLayerNetwork net, LabeledImages data) {
        int[] all = new int[data.count()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return evaluate(net, data, all);
    }

    /** On the examples of {@code data} at {@code indices}. */
    public static Evaluation evaluate(MultiLayerNetwork net, LabeledImages data, int[] indices) {
        return evaluate(net, new ImageSubset(-1, data, indices));
    }
}
