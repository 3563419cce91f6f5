package io.losslake.federated.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** Builds DL4J networks from {@link ModelSpec}s. No I/O, no global state. */
public final class ModelFactory {
    private ModelFactory() {
    }

    /** The DL4J configuration of {@code spec}, trained with cross-entropy; {@code seed} fixes the initial weights. */
    public static MultiLayerConfiguration configuration(ModelSpec spec, OptimizerSpec optimizer, long seed) {
        return configuration(spec, optimizer, seed, LossSpec.CROSS_ENTROPY);
    }

    /** The DL4J configuration of {@code spec} trained with {@code loss}. */
    public static MultiLayerConfiguration configuration(ModelSpec spec, OptimizerSpec optimizer, long seed, LossSpec loss) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(optimizer.toUpdater())
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();
        int[] hidden;
        int outputs;
        InputType input;
        if (spec instanceof CnnSpec cnn) {
            list.layer(new ConvolutionLayer.Builder(CnnSpec.KERNEL, CnnSpec.KERNEL).nOut(cnn.channels()[0]).activation(Activation.RELU).build());
            list.layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
            list.layer(new ConvolutionLayer.Builder(CnnSpec.KERNEL, CnnSpec.KERNEL).nOut(cnn.channels()[1]).activation(Activation.RELU).build());
            list.layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
            hidden = cnn.hidden();
            outputs = cnn.outputs();
            input = InputType.convolutionalFlat(cnn.side(), cnn.side(), 1);
        } else {
            MlpSpec mlp = (MlpSpec) spec;
            hidden = mlp.hidden();
            outputs = mlp.outputs();
            input = InputType.feedForward(mlp.inputs());
        }
        for (int width : hidden) {
            list.layer(new DenseLayer.Builder().nOut(width).activation(Activation.RELU).build());
        }
        ILossFunction lossFunction = loss.isPlain() ? new LossMCXENT() : new MarginControlledCrossEntropy(loss.marginLambda(), loss.perSample());
        list.layer(new OutputLayer.Builder(lossFunction)
                .nOut(outputs)
                .activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER)
                .build());
        return list.setInputType(input).build();
    }

    /** A freshly initialised network (weights drawn from {@code seed}). */
    public static MultiLayerNetwork initialised(ModelSpec spec, OptimizerSpec optimizer, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec, optimizer, seed));
        net.init();
        return net;
    }

    /** A network holding exactly {@code weights} (a flat copy as {@link #weightsOf} returns), trained with cross-entropy. */
    public static MultiLayerNetwork withWeights(ModelSpec spec, OptimizerSpec optimizer, float[] weights) {
        return withWeights(spec, optimizer, weights, LossSpec.CROSS_ENTROPY);
    }

    /** A network holding exactly {@code weights}, trained with {@code loss}. */
    public static MultiLayerNetwork withWeights(ModelSpec spec, OptimizerSpec optimizer, float[] weights, LossSpec loss) {
        if (weights.length != spec.parameterCount()) {
            throw new IllegalArgumentException(spec.describe() + " has " + spec.parameterCount() + " parameters, got " + weights.length);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec, optimizer, 0, loss));
        INDArray params = Nd4j.create(weights, new long[] {1, weights.length}, 'c');
        net.init(params, false);
        return net;
    }

    /** A flat copy of the network's parameters in DL4J's order (per layer: W then b). */
    public static float[] weightsOf(MultiLayerNetwork net) {
        return net.params().toFloatVector();
    }
}
