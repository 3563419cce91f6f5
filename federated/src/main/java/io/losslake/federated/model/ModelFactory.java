package io.losslake.federated.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Builds DL4J networks from {@link ModelSpec}s. No I/O, no global state. */
public final class ModelFactory {
    private ModelFactory() {
    }

    /** The DL4J configuration of {@code spec}; {@code seed} fixes the initial weights. */
    public static MultiLayerConfiguration configuration(ModelSpec spec, OptimizerSpec optimizer, long seed) {
        MlpSpec mlp = (MlpSpec) spec;
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(optimizer.toUpdater())
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();
        for (int width : mlp.hidden()) {
            list.layer(new DenseLayer.Builder().nOut(width).activation(Activation.RELU).build());
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(mlp.outputs())
                .activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER)
                .build());
        return list.setInputType(InputType.feedForward(mlp.inputs())).build();
    }

    /** A freshly initialised network (weights drawn from {@code seed}). */
    public static MultiLayerNetwork initialised(ModelSpec spec, OptimizerSpec optimizer, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec, optimizer, seed));
        net.init();
        return net;
    }

    /** A network holding exactly {@code weights} (a flat copy as {@link #weightsOf} returns). */
    public static MultiLayerNetwork withWeights(ModelSpec spec, OptimizerSpec optimizer, float[] weights) {
        if (weights.length != spec.parameterCount()) {
            throw new IllegalArgumentException(spec.describe() + " has " + spec.parameterCount() + " parameters, got " + weights.length);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec, optimizer, 0));
        INDArray params = Nd4j.create(weights, new long[] {1, weights.length}, 'c');
        net.init(params, false);
        return net;
    }

    /** A flat copy of the network's parameters in DL4J's order (per layer: W then b). */
    public static float[] weightsOf(MultiLayerNetwork net) {
        return net.params().toFloatVector();
    }
}
