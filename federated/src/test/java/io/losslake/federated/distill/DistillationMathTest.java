package io.losslake.federated.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.losslake.federated.fused.FusedCnn;
import io.losslake.federated.model.CnnSpec;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.OptimizerSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The derivatives distribution matching rests on, checked against finite differences and closed forms. */
class DistillationMathTest {
    private static final int SIDE = 16;
    private static final int D = SIDE * SIDE;

    private static float[] gaussian(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    private static double dot(float[] a, float[] b, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void everyAugmentationsTransposeIsItsAdjoint() {
        Random rng = new Random(1);
        int n = 3;
        for (String op : Augmentation.OPERATIONS) {
            for (boolean shared : new boolean[] {true, false}) {
                for (int trial = 0; trial < 5; trial++) {
                    Augmentation aug = Augmentation.draw(op, rng, n, SIDE, shared);
                    float[] x = gaussian(rng, n * D);
                    float[] g = gaussian(rng, n * D);
                    float[] ax = new float[n * D];
                    float[] a0 = new float[n * D];
                    float[] atg = new float[n * D];
                    aug.apply(x, n, ax);
                    aug.apply(new float[n * D], n, a0); // the affine offset (brightness)
                    aug.transpose(g, n, atg);
                    double lhs = 0;
                    for (int i = 0; i < n * D; i++) {
                        lhs += (double) (ax[i] - a0[i]) * g[i];
                    }
                    assertThat(lhs).as(op).isCloseTo(dot(x, atg, n * D), within(1e-3 * (1 + Math.abs(lhs))));
                }
            }
        }
    }

    @Test
    void augmentationsDoWhatTheReferenceDoes() {
        float[] x = new float[D];
        for (int i = 0; i < D; i++) {
            x[i] = i;
        }
        float[] out = new float[D];
        // identity scale: grid_sample of the identity grid with align_corners=False returns the image
        Augmentation.of("scale", SIDE, true, new double[] {1}, new double[] {1}).apply(x, 1, out);
        for (int i = 0; i < D; i++) {
            assertThat(out[i]).isCloseTo(x[i], within(1e-3f));
        }
        // a 90-degree rotation through the same sampler is an exact permutation of pixels
        Augmentation.of("rotate", SIDE, true, new double[] {Math.PI / 2}, new double[] {0}).apply(x, 1, out);
        // theta = [[cos, -sin], [sin, cos]] = [[0, -1], [1, 0]]: output (i, j) reads (row j, column side-1-i)
        assertThat(out[2 * SIDE + 5]).isCloseTo(x[5 * SIDE + SIDE - 1 - 2], within(1e-3f));
        // crop: output (i, j) reads (i + dy, j + dx), zeros shifted in
        Augmentation.of("crop", SIDE, true, new double[] {2}, new double[] {-1}).apply(x, 1, out);
        assertThat(out[3 * SIDE + 4]).isEqualTo(x[5 * SIDE + 3]);
        assertThat(out[(SIDE - 1) * SIDE + 4]).isZero();
        assertThat(out[3 * SIDE]).isZero();
        // cutout centred at (0, 0): rows and columns 0 .. side/4 - 1 (clamped half-size square) are zero
        Augmentation.of("cutout", SIDE, true, new double[] {0}, new double[] {0}).apply(x, 1, out);
        assertThat(out[3 * SIDE + 3]).isZero();
        assertThat(out[4 * SIDE + 3]).isEqualTo(x[4 * SIDE + 3]);
        // color: brightness adds, contrast scales about the image mean
        float[] y = {0, 2, 4, 6};
        float[] yo = new float[4];
        Augmentation.of("color", 2, true, new double[] {0.25}, new double[] {1.5}).apply(y, 1, yo);
        assertThat(yo).containsExactly(new float[] {-1.25f, 1.75f, 4.75f, 7.75f}, within(1e-5f));
        Augmentation.of("flip", SIDE, true, new double[] {1}, new double[] {0}).apply(x, 1, out);
        assertThat(out[SIDE + 0]).isEqualTo(x[SIDE + SIDE - 1]);
    }

    private static FusedCnn embedding(Random rng, CnnSpec spec) {
        float[] w = new float[(int) spec.parameterCount()];
        DistributionMatching.drawEmbedding(spec, w, rng);
        return new FusedCnn(spec, w, new OptimizerSpec("sgd", 1, 0), LossSpec.CROSS_ENTROPY, List.of());
    }

    @Test
    void theEmbeddingsInputGradientMatchesFiniteDifferences() {
        Random rng = new Random(7);
        CnnSpec spec = new CnnSpec(SIDE, new int[] {4, 6}, new int[0], 3);
        FusedCnn net = embedding(rng, spec);
        int n = 19; // more than one block of 16
        int width = net.featureCount();
        float[] x = gaussian(rng, n * D);
        float[] r = gaussian(rng, n * width);
        net.features(x, n);
        float[] grad = new float[n * D];
        net.featuresInputGradient(r, n, grad);
        // directions along single pixels (both blocks of samples): few ReLU and pooling kinks lie within eps
        for (int trial = 0; trial < 12; trial++) {
            float[] v = new float[n * D];
            v[(trial % 2 == 0 ? rng.nextInt(16) : 16 + rng.nextInt(n - 16)) * D + rng.nextInt(D)] = 1;
            double eps = 1e-3;
            float[] plus = x.clone();
            float[] minus = x.clone();
            for (int i = 0; i < plus.length; i++) {
                plus[i] += (float) (eps * v[i]);
                minus[i] -= (float) (eps * v[i]);
            }
            double fp = dot(net.features(plus, n), r, n * width);
            double fm = dot(net.features(minus, n), r, n * width);
            double numeric = (fp - fm) / (2 * eps);
            double analytic = dot(grad, v, n * D);
            assertThat(analytic).isCloseTo(numeric, within(2e-2 * Math.abs(numeric) + 1e-3));
        }
    }

    @Test
    void theClassLossGradientMatchesFiniteDifferencesThroughEveryAugmentation() {
        Random rng = new Random(11);
        CnnSpec spec = new CnnSpec(SIDE, new int[] {4, 6}, new int[0], 3);
        FusedCnn net = embedding(rng, spec);
        int nr = 12;
        int k = 3;
        float[] real = gaussian(rng, nr * D);
        DistributionMatching.Workspace work = new DistributionMatching.Workspace(nr, D, net.featureCount());
        for (String op : Augmentation.OPERATIONS) {
            Augmentation aug = Augmentation.draw(op, rng, 1, SIDE, true);
            float[] syn = gaussian(rng, k * D);
            float[] grad = new float[k * D];
            DistributionMatching.classLoss(net, aug, real, nr, syn, k, grad, work);
            float[] v = gaussian(rng, k * D);
            double eps = 1e-3;
            float[] plus = syn.clone();
            float[] minus = syn.clone();
            for (int i = 0; i < plus.length; i++) {
                plus[i] += (float) (eps * v[i]);
                minus[i] -= (float) (eps * v[i]);
            }
            float[] scratch = new float[k * D];
            double fp = DistributionMatching.classLoss(net, aug, real, nr, plus, k, scratch, work);
            double fm = DistributionMatching.classLoss(net, aug, real, nr, minus, k, scratch, work);
            double numeric = (fp - fm) / (2 * eps);
            assertThat(dot(grad, v, k * D)).as(op).isCloseTo(numeric, within(3e-2 * Math.abs(numeric) + 1e-4));
        }
    }
}
