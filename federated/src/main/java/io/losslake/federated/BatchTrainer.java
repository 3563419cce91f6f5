package io.losslake.federated;

import io.losslake.data.ClientData;
import io.losslake.federated.fused.FusedNetwork;
import io.losslake.federated.fused.FusedNetworks;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.objective.GradientTerm;
import io.losslake.federated.objective.GradientTerms;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Minibatch training of one model from given weights, on the fused path (MLPs, the CNN) or through DL4J:
 * the loops of local and centralised training do not care which.
 */
interface BatchTrainer {
    /** One optimiser step on examples {@code order[from .. from + size)} of {@code data}; returns the batch's mean loss. */
    double step(int[] order, int from, int size);

    /** The current weights, flat, in DL4J's parameter order. */
    float[] weights();

    /** From the next step on, train at the optimiser's configured rate times {@code scale}. */
    void scaleLearningRate(double scale);

    /** w -= scale * direction, outside the optimiser (flat, DL4J's order). */
    void shift(float[] direction, float scale);

    /** The trainer {@code training} asks for, on {@code data} from {@code start}. */
    static BatchTrainer of(ModelSpec spec, float[] start, ClientData data, LocalTraining training, LossSpec loss, List<GradientTerm> terms) {
        if (training.fusedFor(spec)) {
            return new Fused(FusedNetworks.of(spec, start, training.optimizer(), loss, terms), data, training.batchSize());
        }
        if (!training.optimizer().dl4jTrainable()) {
            throw new IllegalArgumentException("--optimizer " + training.optimizer().name() + " trains on the fused path only, which does not take "
                    + spec.describe() + ".");
        }
        MultiLayerNetwork net = ModelFactory.withWeights(spec, training.optimizer(), start, loss);
        if (!terms.isEmpty()) {
            net.setListeners(new GradientTerms(terms));
        }
        return new Dl4j(net, new Minibatches(data, training.batchSize()), training.optimizer().learningRate());
    }

    /** DL4J: MultiLayerNetwork.fit per minibatch. */
    final class Dl4j implements BatchTrainer {
        private final MultiLayerNetwork net;
        private final Minibatches batches;

        private final double rate;
        private double scale = 1;

        Dl4j(MultiLayerNetwork net, Minibatches batches, double rate) {
            this.net = net;
            this.batches = batches;
            this.rate = rate;
        }

        @Override
        public void scaleLearningRate(double scale) {
            if (scale != this.scale) {
                this.scale = scale;
                net.setLearningRate(rate * scale);
            }
        }

        private float[] shiftSource;
        private org.nd4j.linalg.api.ndarray.INDArray shiftArray;

        @Override
        public double step(int[] order, int from, int size) {
            net.fit(batches.cut(order, from, size));
            return net.score();
        }

        @Override
        public void shift(float[] direction, float scale) {
            if (shiftSource != direction) {
                shiftSource = direction;
                shiftArray = org.nd4j.linalg.factory.Nd4j.createFromArray(direction).reshape(net.params().shape());
            }
            net.params().subi(shiftArray.mul(scale));
        }

        @Override
        public float[] weights() {
            return ModelFactory.weightsOf(net);
        }
    }

    /** The fused path: features copied row by row into one reusable array. */
    final class Fused implements BatchTrainer {
        private final FusedNetwork net;
        private final ClientData data;
        private final float[] x;
        private final int[] y;
        private final int features;

        Fused(FusedNetwork net, ClientData data, int batchSize) {
            this.net = net;
            this.data = data;
            this.features = data.featureSize();
            int batch = Math.max(1, Math.min(batchSize, data.size()));
            this.x = new float[batch * features];
            this.y = new int[batch];
        }

        @Override
        public double step(int[] order, int from, int size) {
            for (int r = 0; r < size; r++) {
                int example = order[from + r];
                data.copyFeatures(example, x, r * features);
                y[r] = data.label(example);
            }
            return net.step(x, y, size);
        }

        @Override
        public void shift(float[] direction, float scale) {
            net.shift(direction, scale);
        }

        @Override
        public void scaleLearningRate(double scale) {
            net.scaleLearningRate(scale);
        }

        @Override
        public float[] weights() {
            return net.weights();
        }
    }
}
