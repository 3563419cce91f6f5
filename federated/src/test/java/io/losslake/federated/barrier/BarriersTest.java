package io.losslake.federated.barrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.losslake.data.DenseClientData;
import io.losslake.federated.ParamLayout;
import io.losslake.federated.model.MlpSpec;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.simulation.Simulation;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Barriers on the fused forward pass against closed forms, convexity and a forward pass written here. */
class BarriersTest {
    private static final List<Barriers.Variant> ORDERS = List.of(Barriers.Variant.SHALLOW, Barriers.Variant.DEEP, Barriers.Variant.RANDOM);

    private static DenseClientData data(int n, int features, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        int[] y = new int[n];
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
            ids[i] = i;
        }
        return new DenseClientData(0, ids, x, y, new int[] {features}, classes);
    }

    private static float[] weights(ModelSpec model, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[(int) model.parameterCount()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (scale * (r.nextDouble() * 2 - 1));
        }
        return w;
    }

    @Test
    void aModelHasNoBarrierWithItself() {
        ModelSpec model = ModelSpec.parse("cnn:2,3/5,4", 256, 3);
        DenseClientData set = data(40, 256, 3, 1);
        float[] w = weights(model, 2, 0.3);
        Barriers barriers = new Barriers(model, Simulation.layoutOf(model), set, AlphaGrid.DEFAULT);
        Barriers.Report report = barriers.all(w, w, true, ORDERS, 7, Barriers.Progress.NONE);
        // two convolutions and three dense layers: the full path, two per block, one per block and order
        assertThat(barriers.blocks()).hasSize(5);
        assertThat(report.results()).hasSize(1 + 2 * 5 + 3 * 5);
        assertThat(report.results()).allSatisfy(r -> {
            assertThat(r.lossBarrier()).isCloseTo(0, within(1e-9));
            assertThat(r.errorBarrier()).isCloseTo(0, within(1e-9));
        });
    }

    @Test
    void softmaxRegressionIsConvexSoItsBarriersAreNotPositiveAndItsOnlyLayerIsTheFullPath() {
        ModelSpec model = new MlpSpec(6, new int[0], 3);
        DenseClientData set = data(200, 6, 3, 3);
        float[] w1 = weights(model, 4, 2);
        float[] w2 = weights(model, 5, 2);
        Barriers barriers = new Barriers(model, Simulation.layoutOf(model), set, AlphaGrid.parse("steps:20", "--alphas"));
        assertThat(barriers.blocks()).hasSize(1);
        Barriers.Report report = barriers.all(w1, w2, true, ORDERS, 7, Barriers.Progress.NONE);
        Barriers.Result full = report.results().get(0);
        assertThat(full.kind()).isEqualTo("full");
        assertThat(full.lossBarrier()).isLessThan(1e-6);
        // cross-entropy is strictly convex along a line that changes the logits: the path lies well below the chord
        assertThat(full.lossBarrier()).isNegative();
        for (Barriers.Result r : report.results()) {
            assertThat(r.lossBarrier()).as("%s %s", r.kind(), r.variant()).isCloseTo(full.lossBarrier(), within(1e-12));
            assertThat(r.pathLoss()).containsExactly(full.pathLoss());
        }
    }

    @Test
    void barriersOfATinyMlpMatchAForwardPassWrittenHere() {
        MlpSpec model = new MlpSpec(3, new int[] {2}, 2);
        DenseClientData set = data(5, 3, 2, 9);
        float[] w1 = weights(model, 10, 1.5);
        float[] w2 = weights(model, 11, 1.5);
        ParamLayout layout = Simulation.layoutOf(model);
        AlphaGrid grid = AlphaGrid.parse("0.25,0.5,0.75", "--alphas");
        Barriers.Report report = new Barriers(model, layout, set, grid).all(w1, w2, true, List.of(Barriers.Variant.DEEP), 1, Barriers.Progress.NONE);
        double l1 = loss(w1, set);
        double l2 = loss(w2, set);
        assertThat(report.endpoints().lossFirst()).isCloseTo(l1, within(1e-6));
        assertThat(report.endpoints().lossSecond()).isCloseTo(l2, within(1e-6));
        // layer 0 = W0 (3x2) and b0 (2), 8 values; layer 1 = W1 (2x2) and b1 (2), 6 values
        int[][] blocks = {{0, 8}, {8, 14}};
        for (Barriers.Result r : report.results()) {
            double best = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < grid.alphas().length; k++) {
                double a = grid.alphas()[k];
                float[] m = r.variant().equals("into_second") || r.kind().equals("full") ? w2.clone() : w1.clone();
                int from = r.kind().equals("full") ? 0 : r.kind().equals("cumulative") ? (r.blocks() == 2 ? 0 : 8) : blocks[r.block()][0];
                int to = r.kind().equals("full") || r.kind().equals("cumulative") ? 14 : blocks[r.block()][1];
                for (int i = from; i < to; i++) {
                    m[i] = (float) (a * w1[i] + (1 - a) * w2[i]);
                }
                double l = loss(m, set);
                assertThat(r.pathLoss()[k]).as("%s %s alpha %s", r.kind(), r.variant(), a).isCloseTo(l, within(1e-6));
                best = Math.max(best, l - (a * l1 + (1 - a) * l2));
            }
            assertThat(r.lossBarrier()).as("%s %s", r.kind(), r.variant()).isCloseTo(best, within(1e-6));
        }
        assertThat(report.results()).extracting(Barriers.Result::kind).containsExactly("full", "layer", "layer", "layer", "layer",
                "cumulative", "cumulative");
        // deep first: the output layer, then both
        assertThat(report.results().get(5).block()).isEqualTo(1);
        assertThat(report.results().get(6).blocks()).isEqualTo(2);
    }

    /** Mean cross-entropy of a 3-2-2 ReLU MLP with DL4J's layout: per layer W column-major [in, out], then b. */
    private static double loss(float[] w, DenseClientData set) {
        double total = 0;
        float[] x = new float[3];
        for (int e = 0; e < set.size(); e++) {
            set.copyFeatures(e, x, 0);
            double[] h = new double[2];
            for (int j = 0; j < 2; j++) {
                double z = w[6 + j];
                for (int i = 0; i < 3; i++) {
                    z += x[i] * w[i + 3 * j];
                }
                h[j] = Math.max(0, z);
            }
            double[] o = new double[2];
            for (int j = 0; j < 2; j++) {
                o[j] = w[12 + j];
                for (int i = 0; i < 2; i++) {
                    o[j] += h[i] * w[8 + i + 2 * j];
                }
            }
            double max = Math.max(o[0], o[1]);
            double log = max + Math.log(Math.exp(o[0] - max) + Math.exp(o[1] - max));
            total += log - o[set.label(e)];
        }
        return total / set.size();
    }

    @Test
    void blocksCoverTheLayoutInOrderAndKeepShapes() {
        ModelSpec model = ModelSpec.parse("cnn:6,16/120,84", 784, 10);
        ParamLayout layout = Simulation.layoutOf(model);
        List<LayerBlocks.Block> blocks = LayerBlocks.of(model, layout);
        assertThat(blocks).extracting(LayerBlocks.Block::name).containsExactly("conv 1x6 5x5", "conv 6x16 5x5", "dense 256x120",
                "dense 120x84", "dense 84x10");
        int next = 0;
        for (LayerBlocks.Block b : blocks) {
            for (ParamLayout.Tensor t : b.tensors()) {
                assertThat(t.offset()).isEqualTo(next);
                next += t.length();
            }
        }
        assertThat(next).isEqualTo(model.parameterCount());
        assertThat(blocks.get(0).size()).isEqualTo(5 * 5 * 6 + 6);
        assertThat(blocks.get(2).size()).isEqualTo(256 * 120 + 120);
    }

    @Test
    void gridsAreParsedAndBadOnesNamed() {
        assertThat(AlphaGrid.parse("midpoint", "--alphas").alphas()).containsExactly(0.5);
        assertThat(AlphaGrid.parse("default", "--alphas").alphas()).hasSize(9);
        assertThat(AlphaGrid.parse("steps:4", "--alphas").alphas()).containsExactly(0.25, 0.5, 0.75);
        assertThat(AlphaGrid.parse("0,0.5,1,0.5", "--alphas").alphas()).containsExactly(0.5);
        assertThat(AlphaGrid.parse("0.25,0.75", "--alphas").describe()).isEqualTo("0.25,0.75");
        assertThatThrownBy(() -> AlphaGrid.parse("", "--alphas")).hasMessageStartingWith("Invalid --alphas: the alpha grid is empty");
        assertThatThrownBy(() -> AlphaGrid.parse("0.5,1.5", "--alphas")).hasMessageContaining("1.5 is outside [0, 1]");
        assertThatThrownBy(() -> AlphaGrid.parse("0,1", "--alphas")).hasMessageContaining("no alpha strictly between 0 and 1");
        assertThatThrownBy(() -> AlphaGrid.parse("half", "--alphas")).hasMessageContaining("expected default, midpoint");
    }
}
