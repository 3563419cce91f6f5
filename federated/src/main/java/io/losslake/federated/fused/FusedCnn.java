package io.losslake.federated.fused;

import io.losslake.federated.model.CnnSpec;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.GradientTerm;
import java.util.Arrays;
import java.util.List;

/**
 * Training of the LeNet-style {@link CnnSpec} (5x5 valid convolutions with ReLU, each followed by
 * 2x2 max pooling, then ReLU dense layers and a softmax output) on the fused path: each convolution
 * is one matrix product per block of {@value #BLOCK} samples (im2col: a row per output position, a
 * column per kernel offset and input channel; blocks keep those matrices in cache; conv1's, cheap
 * to keep and costly to rebuild from 5-value rows, are kept for the backward pass, conv2's rebuilt
 * there), pooling and the scatter back are branch-free loops over arrays.
 *
 * <p>Layouts follow DL4J so that weights move interchangeably with its network: the input row is the
 * image in row-major order (DL4J's convolutionalFlat), a convolution's parameters are b [out] then
 * W [out, in, 5, 5] in C order, and the first dense layer reads the pooled maps flattened as
 * channel, row, column (DL4J's CnnToFeedForwardPreProcessor). Inside, feature maps are kept as
 * [batch, row, column, channel], the natural output of the products. ReLU's derivative at 0 is 0
 * and pooling sends the gradient to the first maximum of each window, as in DL4J.
 */
public final class FusedCnn extends FusedBase {
    private static final int K = CnnSpec.KERNEL;
    private static final int KK = K * K;
    /** Block indices in {@link Parameters}: the convolutions' b and W, then the dense layers. */
    private static final int B1 = 0;
    private static final int W1 = 1;
    private static final int B2 = 2;
    private static final int W2 = 3;

    private final int side;
    private final int c1;
    private final int c2;
    /** Convolution outputs and pooled sides: side -> o1 -> q1 -> o2 -> q2. */
    private final int o1;
    private final int q1;
    private final int o2;
    private final int q2;
    private final int flattened;
    private final Parameters params;
    private final DenseStack dense;
    /** Samples per block of convolution work: the blocks' im2col matrices stay in cache. */
    static final int BLOCK = 16;
    private int capacity;
    private float[] input;
    /** Whole batch: the pooled maps of conv1 [batch, q1, q1, c1] and the windows' maxima (indices within a block's maps). */
    private float[] p1;
    private int[] arg1;
    private int[] arg2;
    /** One block: im2col matrices, convolution outputs and their gradients. */
    /** conv1's im2col matrix of each block of the batch, kept from the forward pass for the weight gradient. */
    private float[][] col1 = new float[0][];
    private float[] z1;
    private float[] col2;
    private float[] z2;
    private float[] dz2;
    private float[] dcol2;
    private float[] dp1;
    private float[] dz1;
    private float[] dcol1 = new float[0];
    /**
     * conv2's weights and their gradient with the columns in im2col2's order [out, kh, kw, in]
     * (DL4J's W is [out, in, kh, kw]): a window row of the channel-last maps is then one contiguous
     * copy. Refreshed from the parameters before each forward pass, folded back after each backward.
     */
    private final float[] w2t;
    private final float[] dw2t;

    public FusedCnn(CnnSpec spec, float[] weights, OptimizerSpec optimizer, LossSpec loss, List<GradientTerm> terms) {
        side = spec.side();
        c1 = spec.channels()[0];
        c2 = spec.channels()[1];
        o1 = side - K + 1;
        q1 = o1 / 2;
        o2 = q1 - K + 1;
        q2 = o2 / 2;
        flattened = c2 * q2 * q2;
        if (flattened != spec.flattened()) {
            throw new IllegalStateException("CNN geometry mismatch: " + flattened + " vs " + spec.flattened());
        }
        int[] sizes = new int[spec.hidden().length + 2];
        sizes[0] = flattened;
        System.arraycopy(spec.hidden(), 0, sizes, 1, spec.hidden().length);
        sizes[sizes.length - 1] = spec.outputs();
        int[] denseBlocks = DenseStack.blockSizes(sizes);
        int[] blocks = new int[4 + denseBlocks.length];
        blocks[B1] = c1;
        blocks[W1] = c1 * KK;
        blocks[B2] = c2;
        blocks[W2] = c2 * c1 * KK;
        System.arraycopy(denseBlocks, 0, blocks, 4, denseBlocks.length);
        params = new Parameters(spec.describe(), blocks, weights, optimizer, terms);
        dense = new DenseStack(sizes, 4, loss);
        z1 = new float[BLOCK * o1 * o1 * c1];
        dz1 = new float[z1.length];
        col2 = new float[BLOCK * o2 * o2 * c1 * KK];
        dcol2 = new float[col2.length];
        z2 = new float[BLOCK * o2 * o2 * c2];
        dz2 = new float[z2.length];
        dp1 = new float[BLOCK * q1 * q1 * c1];
        w2t = new float[c2 * c1 * KK];
        dw2t = new float[w2t.length];
    }

    /** Whether this path trains {@code spec}. */
    public static boolean supports(Object spec) {
        return spec instanceof CnnSpec;
    }

    private void ensure(int batch) {
        dense.ensure(batch);
        if (batch <= capacity) {
            return;
        }
        capacity = batch;
        col1 = new float[(batch + BLOCK - 1) / BLOCK][BLOCK * o1 * o1 * KK];
        p1 = new float[batch * q1 * q1 * c1];
        arg1 = new int[p1.length];
        arg2 = new int[batch * flattened];
    }

    @Override
    Parameters params() {
        return params;
    }

    @Override
    double dataLossAndGradient(float[] x, int[] labels, int batch) {
        convolutions(x, batch);
        double value = dense.forwardBackward(params, labels, batch, true);
        input = x;
        for (int from = 0; from < batch; from += BLOCK) {
            backward(from, Math.min(BLOCK, batch - from), from == 0, dense.delta[0], null);
        }
        input = null;
        permuteW2(dw2t, params.grad[W2], false);
        return value;
    }

    /** Values per example that {@link #features} returns: conv2's pooled maps, flattened as channel, row, column. */
    public int featureCount() {
        return flattened;
    }

    /**
     * The convolutional embedding of a batch: the pooled conv2 maps the dense layers read, [batch,
     * featureCount()] in an array the network reuses (distribution matching's embedding, the
     * network without its classifier).
     */
    public float[] features(float[] x, int batch) {
        convolutions(x, batch);
        return dense.input();
    }

    /**
     * The input gradient of the embedding: after {@link #features}(x, batch) on the same batch,
     * writes dx [batch, side * side] = J^T dFeatures, J the Jacobian of the features with respect to
     * the pixels. Overwrites the convolutions' weight gradients on the way.
     */
    public void featuresInputGradient(float[] dFeatures, int batch, float[] dx) {
        Arrays.fill(dx, 0, batch * side * side, 0f);
        for (int from = 0; from < batch; from += BLOCK) {
            backward(from, Math.min(BLOCK, batch - from), from == 0, dFeatures, dx);
        }
    }

    /** Replaces every weight (flat, DL4J's order), e.g. by a fresh draw; optimiser state is untouched. */
    public void load(float[] weights) {
        params.load(weights);
    }

    @Override
    public float[] logits(float[] x, int batch) {
        convolutions(x, batch);
        return dense.forward(params, batch);
    }

    /** The convolutional part, block by block, into the dense stack's input. */
    private void convolutions(float[] x, int batch) {
        ensure(batch);
        permuteW2(params.value[W2], w2t, true);
        input = x;
        for (int from = 0; from < batch; from += BLOCK) {
            forward(from, Math.min(BLOCK, batch - from));
        }
        input = null;
    }

    /** col1 [n * o1 * o1, 25] of the block of samples from .. from + n of the single-channel images. */
    private float[] im2col1(int from, int n) {
        float[] col1 = this.col1[from / BLOCK];
        int row = 0;
        for (int b = from; b < from + n; b++) {
            int image = b * side * side;
            for (int oh = 0; oh < o1; oh++) {
                for (int ow = 0; ow < o1; ow++, row++) {
                    int at = row * KK;
                    for (int kh = 0; kh < K; kh++) {
                        System.arraycopy(input, image + (oh + kh) * side + ow, col1, at + kh * K, K);
                    }
                }
            }
        }
        return col1;
    }

    /**
     * col2 [n * o2 * o2, 25 * c1] from the pooled conv1 maps [batch, q1, q1, c1], column
     * (kh * 5 + kw) * c1 + ci: each kernel row of a window is one run of 5 * c1 values in both.
     */
    private void im2col2(int from, int n) {
        int width = c1 * KK;
        int run = K * c1;
        int row = 0;
        for (int b = from; b < from + n; b++) {
            for (int oh = 0; oh < o2; oh++) {
                for (int ow = 0; ow < o2; ow++, row++) {
                    int at = row * width;
                    for (int kh = 0; kh < K; kh++) {
                        System.arraycopy(p1, ((b * q1 + oh + kh) * q1 + ow) * c1, col2, at + kh * run, run);
                    }
                }
            }
        }
    }

    /**
     * Between DL4J's conv2 layout [out, in, kh, kw] and im2col2's [out, kh, kw, in]: {@code toColumns}
     * copies {@code from} (DL4J's) into {@code to} (ours), else the other way.
     */
    private void permuteW2(float[] from, float[] to, boolean toColumns) {
        for (int co = 0; co < c2; co++) {
            for (int ci = 0; ci < c1; ci++) {
                for (int k = 0; k < KK; k++) {
                    int dl4j = (co * c1 + ci) * KK + k;
                    int ours = (co * KK + k) * c1 + ci;
                    if (toColumns) {
                        to[ours] = from[dl4j];
                    } else {
                        to[dl4j] = from[ours];
                    }
                }
            }
        }
    }

    private void forward(int from, int n) {
        convolve(im2col1(from, n), n * o1 * o1, KK, params.value[W1], params.value[B1], c1, z1);
        pool(z1, from, n, o1, q1, c1, p1, arg1, false);
        im2col2(from, n);
        convolve(col2, n * o2 * o2, c1 * KK, w2t, params.value[B2], c2, z2);
        pool(z2, from, n, o2, q2, c2, dense.input(), arg2, true);
    }

    /** z [rows, out] = relu(col [rows, width] W^T + b), W row-major [out, width]. */
    private static void convolve(float[] col, int rows, int width, float[] w, float[] bias, int out, float[] z) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(bias, 0, z, r * out, out);
        }
        Blas.gemm(false, true, rows, out, width, 1f, col, width, w, width, 1f, z, out);
        Relu.apply(z, rows * out);
    }

    /**
     * 2x2 max pooling of a block's maps z [n, o, o, c] (samples from .. from + n) into the batch's
     * [batch, q, q, c] (or, with {@code chw}, rows of [c, q, q] for the dense layers), remembering the
     * index within z of each window's first maximum.
     */
    private static void pool(float[] z, int from, int n, int o, int q, int c, float[] out, int[] arg, boolean chw) {
        for (int s = 0; s < n; s++) {
            int b = from + s;
            for (int qh = 0; qh < q; qh++) {
                for (int qw = 0; qw < q; qw++) {
                    int topLeft = ((s * o + 2 * qh) * o + 2 * qw) * c;
                    for (int ch = 0; ch < c; ch++) {
                        int i00 = topLeft + ch;
                        int i01 = i00 + c;
                        int i10 = i00 + o * c;
                        int i11 = i10 + c;
                        // locals only, so the JIT can use conditional moves: which value wins is unpredictable
                        int best = i00;
                        float max = z[i00];
                        float v = z[i01];
                        best = v > max ? i01 : best;
                        max = Math.max(max, v);
                        v = z[i10];
                        best = v > max ? i10 : best;
                        max = Math.max(max, v);
                        v = z[i11];
                        best = v > max ? i11 : best;
                        max = Math.max(max, v);
                        int to = chw ? b * c * q * q + (ch * q + qh) * q + qw : ((b * q + qh) * q + qw) * c + ch;
                        out[to] = max;
                        arg[to] = best;
                    }
                }
            }
        }
    }

    /**
     * Backward through the convolutions for samples from .. from + n, accumulating the weight
     * gradients ({@code first}: the first block overwrites them). conv2's im2col matrix is rebuilt,
     * conv1's kept from the forward pass; ReLU's mask is read from the pooled maxima (a window's
     * gradient passes where its maximum, the ReLU output, is positive).
     */
    private void backward(int from, int n, boolean first, float[] dInput, float[] dx) {
        float[] pooled2 = dense.input();
        int rows2 = n * o2 * o2;
        Arrays.fill(dz2, 0, rows2 * c2, 0f);
        for (int i = from * flattened; i < (from + n) * flattened; i++) {
            dz2[arg2[i]] += Relu.masked(pooled2[i], dInput[i]);
        }
        int width = c1 * KK;
        im2col2(from, n);
        weightGradient(dz2, rows2, c2, col2, width, dw2t, params.grad[B2], first);
        // dcol2 = dz2 W2, then back onto the block's pooled conv1 maps (col2im), a kernel row at a time
        Blas.gemm(false, false, rows2, width, c2, 1f, dz2, c2, w2t, width, 0f, dcol2, width);
        int maps1 = q1 * q1 * c1;
        Arrays.fill(dp1, 0, n * maps1, 0f);
        int run = K * c1;
        int row = 0;
        for (int s = 0; s < n; s++) {
            for (int oh = 0; oh < o2; oh++) {
                for (int ow = 0; ow < o2; ow++, row++) {
                    int at = row * width;
                    for (int kh = 0; kh < K; kh++) {
                        int to = ((s * q1 + oh + kh) * q1 + ow) * c1;
                        int src = at + kh * run;
                        for (int j = 0; j < run; j++) {
                            dp1[to + j] += dcol2[src + j];
                        }
                    }
                }
            }
        }
        // pool1 and ReLU1
        int rows1 = n * o1 * o1;
        Arrays.fill(dz1, 0, rows1 * c1, 0f);
        int base = from * maps1;
        for (int i = 0; i < n * maps1; i++) {
            dz1[arg1[base + i]] += Relu.masked(p1[base + i], dp1[i]);
        }
        weightGradient(dz1, rows1, c1, col1[from / BLOCK], KK, params.grad[W1], params.grad[B1], first);
        if (dx != null) {
            // dcol1 = dz1 W1, then col2im onto the block's images
            if (dcol1.length < rows1 * KK) {
                dcol1 = new float[rows1 * KK];
            }
            Blas.gemm(false, false, rows1, KK, c1, 1f, dz1, c1, params.value[W1], KK, 0f, dcol1, KK);
            int r = 0;
            for (int s = 0; s < n; s++) {
                int image = (from + s) * side * side;
                for (int oh = 0; oh < o1; oh++) {
                    for (int ow = 0; ow < o1; ow++, r++) {
                        int src = r * KK;
                        for (int kh = 0; kh < K; kh++) {
                            int to = image + (oh + kh) * side + ow;
                            for (int kw = 0; kw < K; kw++) {
                                dx[to + kw] += dcol1[src + kh * K + kw];
                            }
                        }
                    }
                }
            }
        }
    }

    /** dW [out, width] (+)= dz^T col and db (+)= column sums of dz, for dz [rows, out]; {@code first} overwrites. */
    private static void weightGradient(float[] dz, int rows, int out, float[] col, int width, float[] dw, float[] db, boolean first) {
        Blas.gemm(true, false, out, width, rows, 1f, dz, out, col, width, first ? 0f : 1f, dw, width);
        if (first) {
            Arrays.fill(db, 0f);
        }
        for (int r = 0; r < rows; r++) {
            int base = r * out;
            for (int j = 0; j < out; j++) {
                db[j] += dz[base + j];
            }
        }
    }
}
