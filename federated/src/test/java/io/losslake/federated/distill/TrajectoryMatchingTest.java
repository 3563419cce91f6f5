package io.losslake.federated.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.losslake.data.DenseClientData;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Trajectory matching's derivatives against finite differences, and what its settings refuse. */
class TrajectoryMatchingTest {
    private static double[] gaussian(Random rng, int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = scale * rng.nextGaussian();
        }
        return x;
    }

    @Test
    void theMlpsGradientsMatchFiniteDifferences() {
        Random rng = new Random(2);
        DoubleMlp net = new DoubleMlp(new int[] {9, 6, 4, 3});
        int n = 5;
        double[] theta = gaussian(rng, net.parameterCount(), 0.5);
        double[] x = gaussian(rng, n * 9, 1);
        int[] y = {0, 1, 2, 1, 0};
        double[] g = new double[theta.length];
        double[] gx = new double[x.length];
        net.lossAndGradients(theta, x, y, n, g, gx);
        double h = 1e-6;
        double[] scratch = new double[theta.length];
        for (int k = 0; k < theta.length; k += 7) {
            double[] p = theta.clone();
            double[] m = theta.clone();
            p[k] += h;
            m[k] -= h;
            double numeric = (net.lossAndGradients(p, x, y, n, scratch, null) - net.lossAndGradients(m, x, y, n, scratch, null)) / (2 * h);
            assertThat(g[k]).isCloseTo(numeric, within(1e-6));
        }
        for (int k = 0; k < x.length; k += 5) {
            double[] p = x.clone();
            double[] m = x.clone();
            p[k] += h;
            m[k] -= h;
            double numeric = (net.lossAndGradients(theta, p, y, n, scratch, null) - net.lossAndGradients(theta, m, y, n, scratch, null)) / (2 * h);
            assertThat(gx[k]).isCloseTo(numeric, within(1e-6));
        }
    }

    @Test
    void theMetaGradientMatchesFiniteDifferencesOfTheWholeUnrolledLoss() {
        Random rng = new Random(5);
        int side = 4;
        int d = side * side;
        DoubleMlp net = new DoubleMlp(new int[] {d, 5, 3});
        int n = 6;
        int steps = 4;
        int[] labels = {0, 0, 1, 1, 2, 2};
        double[] start = gaussian(rng, net.parameterCount(), 0.4);
        double[] target = gaussian(rng, net.parameterCount(), 0.4);
        double[] images = gaussian(rng, n * d, 1);
        for (boolean augment : new boolean[] {false, true}) {
            Augmentation[] augs = null;
            if (augment) {
                augs = new Augmentation[steps];
                String[] ops = {"rotate", "color", "crop", "scale"};
                for (int s = 0; s < steps; s++) {
                    augs[s] = Augmentation.draw(ops[s], rng, n, side, false);
                }
            }
            double rate = 0.3;
            StudentUnroll.Result r = StudentUnroll.run(net, start, target, images, labels, rate, 0.9, steps, augs, true);
            // the images, along random directions
            for (int trial = 0; trial < 3; trial++) {
                double[] v = gaussian(rng, images.length, 1);
                // float augmentation rounds the images at ~1e-7: a larger step and a looser bound there
                double h = augment ? 1e-3 : 1e-4;
                double[] p = images.clone();
                double[] m = images.clone();
                for (int k = 0; k < v.length; k++) {
                    p[k] += h * v[k];
                    m[k] -= h * v[k];
                }
                double numeric = (StudentUnroll.run(net, start, target, p, labels, rate, 0.9, steps, augs, false).loss()
                        - StudentUnroll.run(net, start, target, m, labels, rate, 0.9, steps, augs, false).loss()) / (2 * h);
                double analytic = 0;
                for (int k = 0; k < v.length; k++) {
                    analytic += r.imageGradient()[k] * v[k];
                }
                assertThat(analytic).as("augment %s", augment).isCloseTo(numeric, within((augment ? 5e-3 : 1e-5) * Math.abs(numeric) + 1e-7));
            }
            // the learnable rate
            double h = 1e-6;
            double numeric = (StudentUnroll.run(net, start, target, images, labels, rate + h, 0.9, steps, augs, false).loss()
                    - StudentUnroll.run(net, start, target, images, labels, rate - h, 0.9, steps, augs, false).loss()) / (2 * h);
            assertThat(r.rateGradient()).isCloseTo(numeric, within((augment ? 2e-3 : 1e-5) * Math.abs(numeric) + 1e-7));
        }
    }

    @Test
    void thePerturbationMovesEachTensorByAlphaOfItsOwnScale() {
        Random rng = new Random(1);
        double[] theta = gaussian(rng, 20, 1);
        int[][] tensors = {{0, 12}, {12, 20}};
        double[] p = TrajectoryMatching.perturbed(theta, tensors, 0.5, rng);
        for (int[] t : tensors) {
            // ||p - theta|| over the tensor = 0.5 ||d * theta|| with ||d|| = 1: at most 0.5 max|theta|
            double diff = 0;
            double max = 0;
            for (int k = t[0]; k < t[1]; k++) {
                diff += (p[k] - theta[k]) * (p[k] - theta[k]);
                max = Math.max(max, Math.abs(theta[k]));
            }
            assertThat(Math.sqrt(diff)).isGreaterThan(0).isLessThanOrEqualTo(0.5 * max + 1e-12);
        }
        assertThat(TrajectoryMatching.perturbed(theta, tensors, 0, rng)).isEqualTo(theta);
    }

    @Test
    void matchingShortensTheStudentsDistanceToTheExpertAndLearnsItsRate() {
        // 16x16 images of three shapes; a small run must lower J against its own start
        DenseClientData data = DistributionMatchingTest.halves(new int[] {40, 40, 40}, 8);
        AstSettings s = new AstSettings(2, 30, new int[] {8}, 1, 1, 2, 5, 0.01, 50, 1e-5, 0.9, 0.5, true, "kmeans", false);
        double[] losses = new double[s.iterations()];
        SyntheticSet set = new TrajectoryMatching(s).distill(data, 3, (done, total, loss) -> losses[done - 1] = loss);
        assertThat(set.labels()).containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(set.learningRate()).isPositive().isNotEqualTo(0.01);
        double first = java.util.Arrays.stream(losses, 0, 5).average().orElseThrow();
        double last = java.util.Arrays.stream(losses, losses.length - 5, losses.length).average().orElseThrow();
        assertThat(last).isLessThan(first);
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        assertThatThrownBy(() -> new AstSettings(0, 1, new int[] {8}, 1, 1, 1, 1, 0.01, 1, 0, 0, 0, false, "real", false)).hasMessageContaining("--ipc 0");
        assertThatThrownBy(() -> new AstSettings(1, 1, new int[] {8}, 0, 1, 1, 1, 0.01, 1, 0, 0, 0, false, "real", false)).hasMessageContaining("--experts");
        assertThatThrownBy(() -> new AstSettings(1, 1, new int[] {8}, 1, 1, 1, 1, 0.01, 1, 0, 1, 0, false, "real", false))
                .hasMessageContaining("--inner-momentum");
        assertThatThrownBy(() -> new AstSettings(1, 1, new int[] {8}, 1, 1, 1, 1, 0.01, 1, 0, 0, 0, false, "herding", false))
                .hasMessageContaining("real, kmeans or noise");
    }
}
