package io.losslake.federated.distill;

import io.losslake.data.ClientData;
import io.losslake.federated.fused.FusedCnn;
import io.losslake.federated.model.CnnSpec;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.OptimizerSpec;
import java.util.List;
import java.util.Random;

/**
 * Dataset condensation by distribution matching (DM; Zhao &amp; Bilen, "Dataset Condensation with
 * Distribution Matching", WACV 2023). Each iteration draws a fresh randomly initialised embedding
 * network psi (never trained), and for every class c minimises
 * ||mean_i psi(A(x_real_i)) - mean_j psi(A(s_j))||^2 over the synthetic images s of that class, A a
 * Siamese augmentation shared by the class's real batch and its synthetic images (DSA,
 * {@link Augmentation}); the loss is summed over classes and the images take one SGD-with-momentum
 * step on the sum, as the reference code does.
 *
 * <p>What differs from the reference, and why: the embedding network is losslake's LeNet-style CNN
 * (two 5x5 convolutions with ReLU and max pooling; the embedding is its pooled conv2 maps, what its
 * classifier reads) rather than the 3-block ConvNet with instance norm, because its forward pass and
 * input gradient are on the fused path here; its weights are drawn as PyTorch's default for
 * convolutions, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as the reference's are. All of it runs in the
 * normalised pixel units of {@link PixelScale} and the result is returned in the data's own units.
 */
public final class DistributionMatching implements Distiller {
    private static final long serialVersionUID = 1L;
    private static final OptimizerSpec FROZEN = new OptimizerSpec("sgd", 1, 0);
    private final DmSettings settings;

    public DistributionMatching(DmSettings settings) {
        this.settings = settings;
    }

    @Override
    public String method() {
        return "dm";
    }

    public DmSettings settings() {
        return settings;
    }

    @Override
    public SyntheticSet distill(ClientData data, long seed, Progress progress) {
        int d = data.featureSize();
        int side = DmSettings.side(d);
        int classes = data.numClasses();
        PixelScale scale = PixelScale.of(data);
        ClientData real = scale.view(data);
        ClassIndex index = new ClassIndex(real);
        int[] budget = index.budget(settings.ipc());
        int[] start = new int[classes + 1];
        for (int c = 0; c < classes; c++) {
            start[c + 1] = start[c] + budget[c];
        }
        int n = start[classes];
        float[] syn = new float[n * d];
        int[] labels = new int[n];
        Random rng = new Random(seed);
        for (int c = 0; c < classes; c++) {
            int[] chosen = index.draw(c, budget[c], rng);
            for (int j = 0; j < budget[c]; j++) {
                int row = start[c] + j;
                labels[row] = c;
                if (settings.init().equals("real")) {
                    real.copyFeatures(chosen[j], syn, row * d);
                } else {
                    for (int k = 0; k < d; k++) {
                        syn[row * d + k] = (float) rng.nextGaussian();
                    }
                }
            }
        }
        CnnSpec spec = new CnnSpec(side, settings.channels(), new int[0], classes);
        float[] weights = new float[(int) spec.parameterCount()];
        FusedCnn net = new FusedCnn(spec, weights, FROZEN, LossSpec.CROSS_ENTROPY, List.of());
        int batch = settings.realBatch();
        Workspace work = new Workspace(Math.max(batch, settings.ipc()), d, net.featureCount());
        float[] realX = new float[batch * d];
        float[] grad = new float[n * d];
        float[] velocity = new float[n * d];
        float[] classSyn = new float[settings.ipc() * d];
        float[] classGrad = new float[settings.ipc() * d];
        double loss = Double.NaN;
        for (int it = 0; it < settings.iterations(); it++) {
            drawEmbedding(spec, weights, rng);
            net.load(weights);
            loss = 0;
            for (int c = 0; c < classes; c++) {
                int k = budget[c];
                if (k == 0) {
                    continue;
                }
                Augmentation aug = settings.augment() ? Augmentation.draw(rng, 1, side, true) : null;
                int[] picks = index.draw(c, Math.min(batch, index.count(c)), rng);
                for (int r = 0; r < picks.length; r++) {
                    real.copyFeatures(picks[r], realX, r * d);
                }
                System.arraycopy(syn, start[c] * d, classSyn, 0, k * d);
                loss += classLoss(net, aug, realX, picks.length, classSyn, k, classGrad, work);
                System.arraycopy(classGrad, 0, grad, start[c] * d, k * d);
            }
            // PyTorch's SGD with momentum: v = mu v + g, s -= lr v
            float mu = (float) settings.momentum();
            float lr = (float) settings.imageLr();
            for (int i = 0; i < syn.length; i++) {
                velocity[i] = mu * velocity[i] + grad[i];
                syn[i] -= lr * velocity[i];
            }
            progress.iteration(it + 1, settings.iterations(), loss);
        }
        scale.denormalise(syn, 0, syn.length);
        return new SyntheticSet(data.clientId(), syn, labels, side, classes, loss);
    }

    /** Buffers of {@link #classLoss}, reused across classes and iterations. */
    static final class Workspace {
        final float[] augmented;
        final float[] meanReal;
        final float[] dFeatures;
        final float[] dAugmented;

        Workspace(int rows, int d, int width) {
            augmented = new float[rows * d];
            meanReal = new float[width];
            dFeatures = new float[rows * width];
            dAugmented = new float[rows * d];
        }
    }

    /**
     * One class's term ||mean psi(A(real)) - mean psi(A(syn))||^2 for the network {@code net} and
     * augmentation {@code aug} (null: none), with its gradient with respect to the k synthetic images
     * written into {@code grad} [k, d].
     */
    static double classLoss(FusedCnn net, Augmentation aug, float[] realX, int nr, float[] syn, int k, float[] grad, Workspace work) {
        int width = net.featureCount();
        float[] realIn = realX;
        if (aug != null) {
            aug.apply(realX, nr, work.augmented);
            realIn = work.augmented;
        }
        columnMean(net.features(realIn, nr), nr, width, work.meanReal);
        float[] synIn = syn;
        if (aug != null) {
            aug.apply(syn, k, work.augmented);
            synIn = work.augmented;
        }
        float[] f = net.features(synIn, k);
        // L = sum_j (mr_j - ms_j)^2 with ms the mean of k rows: dL/df_ij = -2 (mr_j - ms_j) / k
        double loss = 0;
        for (int j = 0; j < width; j++) {
            double ms = 0;
            for (int i = 0; i < k; i++) {
                ms += f[i * width + j];
            }
            ms /= k;
            double diff = work.meanReal[j] - ms;
            loss += diff * diff;
            float g = (float) (-2 * diff / k);
            for (int i = 0; i < k; i++) {
                work.dFeatures[i * width + j] = g;
            }
        }
        if (aug != null) {
            net.featuresInputGradient(work.dFeatures, k, work.dAugmented);
            aug.transpose(work.dAugmented, k, grad);
        } else {
            net.featuresInputGradient(work.dFeatures, k, grad);
        }
        return loss;
    }

    private static void columnMean(float[] rows, int n, int width, float[] out) {
        java.util.Arrays.fill(out, 0f);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) {
                out[j] += rows[i * width + j];
            }
        }
        for (int j = 0; j < width; j++) {
            out[j] /= n;
        }
    }

    /**
     * PyTorch's default initialisation of the convolutions, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for
     * weights and biases, in DL4J's layout (b1, W1, b2, W2, then the unused classifier at 0).
     */
    static void drawEmbedding(CnnSpec spec, float[] weights, Random rng) {
        int c1 = spec.channels()[0];
        int c2 = spec.channels()[1];
        int kk = CnnSpec.KERNEL * CnnSpec.KERNEL;
        int at = 0;
        double bound1 = 1 / Math.sqrt(kk);
        for (int i = 0; i < c1 + c1 * kk; i++) {
            weights[at++] = (float) ((2 * rng.nextDouble() - 1) * bound1);
        }
        double bound2 = 1 / Math.sqrt(c1 * kk);
        for (int i = 0; i < c2 + c2 * c1 * kk; i++) {
            weights[at++] = (float) ((2 * rng.nextDouble() - 1) * bound2);
        }
    }
}
