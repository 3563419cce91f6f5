package io.losslake.federated.barrier;

import io.losslake.data.ClientData;
import io.losslake.federated.Evaluation;
import io.losslake.federated.Evaluator;
import io.losslake.federated.ParamLayout;
import io.losslake.federated.model.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * Linear-mode-connectivity barriers between two models of one architecture on one labelled set
 * (Adilova et al., "Layer-wise Linear Mode Connectivity", ICLR 2024), on the fused forward pass.
 *
 * <p>For a path m(alpha) whose ends are the two models, the barrier is
 * max over the grid's alphas of L(m(alpha)) - [alpha L(w1) + (1 - alpha) L(w2)], for the loss
 * (cross-entropy, nats) and for the error (100 - accuracy in %, percentage points).
 * <ul>
 *   <li>full: m(alpha) = alpha w1 + (1 - alpha) w2 (Definition 1);
 *   <li>layer: only one layer block is interpolated, every other layer taken from w1
 *       ({@code into_first}) or, the asymmetric variant, from w2 ({@code into_second}); the baseline
 *       keeps the full models' losses L(w1), L(w2) as in Definition 2 and the reference code;
 *   <li>cumulative: the first k blocks of an order (shallow-first, deep-first, seeded random) are
 *       interpolated together, the rest taken from w1; at k = all blocks it is the full barrier.
 * </ul>
 * The reference code evaluates alpha = 0.5 only (its barrier is the midpoint's excess);
 * {@link AlphaGrid#MIDPOINT} gives exactly that, and the default grid takes the maximum over nine
 * interior alphas. A layer path's alpha = 0 end is the layer swapped in from the other model, not
 * an interpolation, so grids hold interior alphas only.
 */
public final class Barriers {
    /** How the blocks of a layer or cumulative path are chosen and what the others are taken from. */
    public enum Variant {
        FULL("full"), INTO_FIRST("into_first"), INTO_SECOND("into_second"), SHALLOW("shallow"), DEEP("deep"), RANDOM("random");

        public final String label;

        Variant(String label) {
            this.label = label;
        }

        /** The cumulative orders by name. */
        public static Variant order(String name) {
            for (Variant v : List.of(SHALLOW, DEEP, RANDOM)) {
                if (v.label.equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
            throw new IllegalArgumentException("Invalid cumulative order '" + name + "': expected shallow, deep or random.");
        }
    }

    /**
     * One barrier.
     *
     * @param kind         {@code full}, {@code layer} or {@code cumulative}
     * @param variant      {@code full}; {@code into_first} or {@code into_second} for a layer; the order of a cumulative path
     * @param block        the layer block interpolated (layer), the block added at this step (cumulative), -1 for full
     * @param blockName    its name, null for full
     * @param blocks       how many blocks are interpolated
     * @param grid         the alphas
     * @param lossBarrier  max over alphas of the loss's excess over the linear baseline (nats)
     * @param lossAlpha    the alpha where it is largest
     * @param errorBarrier the same for the error (percentage points)
     * @param errorAlpha   the alpha where it is largest
     * @param pathLoss     L(m(alpha)) at each alpha of the grid
     * @param pathError    error of m(alpha) at each alpha, %
     */
    public record Result(String kind, String variant, int block, String blockName, int blocks, AlphaGrid grid, double lossBarrier,
                         double lossAlpha, double errorBarrier, double errorAlpha, double[] pathLoss, double[] pathError)
            implements java.io.Serializable {
    }

    /** The two models' own loss and error on the set, the baselines' ends. */
    public record Endpoints(double lossFirst, double lossSecond, double errorFirst, double errorSecond) implements java.io.Serializable {
    }

    /** Told after each evaluation, for progress lines. */
    @FunctionalInterface
    public interface Progress {
        void evaluated(int done, int total);

        Progress NONE = (done, total) -> { };
    }

    private final ModelSpec model;
    private final List<LayerBlocks.Block> blocks;
    private final ClientData data;
    private final AlphaGrid grid;

    public Barriers(ModelSpec model, ParamLayout layout, ClientData data, AlphaGrid grid) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("the evaluation set of a barrier holds no examples");
        }
        this.model = model;
        this.blocks = LayerBlocks.of(model, layout);
        this.data = data;
        this.grid = grid;
    }

    public List<LayerBlocks.Block> blocks() {
        return blocks;
    }

    /** Evaluations {@link #all} makes for the given parts. */
    public int evaluations(boolean layers, int cumulativeOrders) {
        int a = grid.alphas().length;
        return 2 + a + (layers ? 2 * blocks.size() * a : 0) + cumulativeOrders * Math.max(0, blocks.size() - 1) * a;
    }

    /**
     * The full barrier, each layer's barrier into either model (when {@code layers}) and the
     * cumulative barriers in each of {@code orders}, with the endpoints first.
     *
     * @param seed for the random order
     */
    public Report all(float[] w1, float[] w2, boolean layers, List<Variant> orders, long seed, Progress progress) {
        check(w1, w2);
        Counter counted = new Counter(progress, evaluations(layers, orders.size()));
        Evaluation e1 = counted.evaluate(w1);
        Evaluation e2 = counted.evaluate(w2);
        Endpoints ends = new Endpoints(e1.loss(), e2.loss(), error(e1), error(e2));
        List<Result> results = new ArrayList<>();
        results.add(path("full", Variant.FULL, -1, null, blocks.size(), w1, w2, w2, blocks, ends, counted));
        if (layers) {
            for (LayerBlocks.Block b : blocks) {
                results.add(path("layer", Variant.INTO_FIRST, b.index(), b.name(), 1, w1, w2, w1, List.of(b), ends, counted));
                results.add(path("layer", Variant.INTO_SECOND, b.index(), b.name(), 1, w1, w2, w2, List.of(b), ends, counted));
            }
        }
        for (Variant order : orders) {
            int[] sequence = order(order, seed);
            List<LayerBlocks.Block> chosen = new ArrayList<>();
            for (int k = 0; k < sequence.length; k++) {
                LayerBlocks.Block b = blocks.get(sequence[k]);
                chosen.add(b);
                if (k == sequence.length - 1) {
                    Result full = results.get(0); // every block interpolated: the full path, already evaluated
                    results.add(new Result("cumulative", order.label, b.index(), b.name(), chosen.size(), grid, full.lossBarrier(),
                            full.lossAlpha(), full.errorBarrier(), full.errorAlpha(), full.pathLoss(), full.pathError()));
                } else {
                    results.add(path("cumulative", order, b.index(), b.name(), chosen.size(), w1, w2, w1, List.copyOf(chosen), ends, counted));
                }
            }
        }
        return new Report(ends, List.copyOf(results));
    }

    /** The endpoints and every barrier {@link #all} computed. */
    public record Report(Endpoints endpoints, List<Result> results) implements java.io.Serializable {
    }

    /** Block indices in the order's sequence; random is a seeded shuffle. */
    int[] order(Variant order, long seed) {
        int n = blocks.size();
        IntUnaryOperator at = switch (order) {
            case SHALLOW -> i -> i;
            case DEEP -> i -> n - 1 - i;
            case RANDOM -> {
                int[] p = new int[n];
                Arrays.setAll(p, i -> i);
                SplittableRandom r = new SplittableRandom(seed);
                for (int i = n - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    int t = p[i];
                    p[i] = p[j];
                    p[j] = t;
                }
                yield i -> p[i];
            }
            default -> throw new IllegalArgumentException(order + " is not a cumulative order");
        };
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = at.applyAsInt(i);
        }
        return out;
    }

    /** Evaluates and tells the progress. */
    private final class Counter {
        private final Progress progress;
        private final int total;
        private int done;

        Counter(Progress progress, int total) {
            this.progress = progress;
            this.total = total;
        }

        Evaluation evaluate(float[] weights) {
            Evaluation e = Evaluator.evaluate(model, weights, data);
            progress.evaluated(++done, total);
            return e;
        }
    }

    private Result path(String kind, Variant variant, int block, String name, int count, float[] w1, float[] w2, float[] base,
                        List<LayerBlocks.Block> mixed, Endpoints ends, Counter counter) {
        double[] alphas = grid.alphas();
        double[] loss = new double[alphas.length];
        double[] err = new double[alphas.length];
        double bestLoss = Double.NEGATIVE_INFINITY;
        double bestErr = Double.NEGATIVE_INFINITY;
        double lossAt = Double.NaN;
        double errAt = Double.NaN;
        for (int k = 0; k < alphas.length; k++) {
            double a = alphas[k];
            float[] m = base.clone();
            for (LayerBlocks.Block b : mixed) {
                for (ParamLayout.Tensor t : b.tensors()) {
                    for (int i = t.offset(); i < t.offset() + t.length(); i++) {
                        m[i] = (float) (a * w1[i] + (1 - a) * w2[i]);
                    }
                }
            }
            Evaluation e = counter.evaluate(m);
            loss[k] = e.loss();
            err[k] = error(e);
            double lossExcess = loss[k] - (a * ends.lossFirst() + (1 - a) * ends.lossSecond());
            double errExcess = err[k] - (a * ends.errorFirst() + (1 - a) * ends.errorSecond());
            if (lossExcess > bestLoss) {
                bestLoss = lossExcess;
                lossAt = a;
            }
            if (errExcess > bestErr) {
                bestErr = errExcess;
                errAt = a;
            }
        }
        return new Result(kind, variant.label, block, name, count, grid, bestLoss, lossAt, bestErr, errAt, loss, err);
    }

    private void check(float[] w1, float[] w2) {
        long n = model.parameterCount();
        if (w1.length != n || w2.length != n) {
            throw new IllegalArgumentException("models of " + w1.length + " and " + w2.length + " weights cannot both be " + model.describe()
                    + ", which has " + n);
        }
    }

    /** 100 - accuracy in %. */
    static double error(Evaluation e) {
        return 100.0 * (1 - e.accuracy());
    }
}
