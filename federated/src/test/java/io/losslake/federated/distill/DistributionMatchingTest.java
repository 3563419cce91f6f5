package io.losslake.federated.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.losslake.data.DenseClientData;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Distribution matching and the random-real baseline on small generated images. */
class DistributionMatchingTest {
    private static final int SIDE = 16;
    private static final int D = SIDE * SIDE;

    /** Class 0 is bright on the left half, class 1 on the right half, class 2 in the middle rows; Gaussian noise on top. */
    static DenseClientData halves(int[] counts, long seed) {
        Random rng = new Random(seed);
        int classes = counts.length;
        int n = java.util.Arrays.stream(counts).sum();
        float[] x = new float[n * D];
        int[] y = new int[n];
        long[] ids = new long[n];
        int at = 0;
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < counts[c]; i++, at++) {
                ids[at] = at;
                y[at] = c;
                for (int r = 0; r < SIDE; r++) {
                    for (int q = 0; q < SIDE; q++) {
                        boolean bright = switch (c) {
                            case 0 -> q < SIDE / 2;
                            case 1 -> q >= SIDE / 2;
                            default -> r >= SIDE / 4 && r < 3 * SIDE / 4;
                        };
                        x[at * D + r * SIDE + q] = (float) ((bright ? 0.8 : 0.1) + 0.15 * rng.nextGaussian());
                    }
                }
            }
        }
        return new DenseClientData(0, ids, x, y, new int[] {SIDE, SIDE}, classes);
    }

    private static double[] classMean(float[] x, int[] labels, int c) {
        double[] m = new double[D];
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == c) {
                n++;
                for (int k = 0; k < D; k++) {
                    m[k] += x[i * D + k];
                }
            }
        }
        for (int k = 0; k < D; k++) {
            m[k] /= n;
        }
        return m;
    }

    private static double correlation(double[] a, double[] b) {
        double ma = java.util.Arrays.stream(a).average().orElse(0);
        double mb = java.util.Arrays.stream(b).average().orElse(0);
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void fromNoiseTheSyntheticImagesTakeOnTheirClassesShape() {
        DenseClientData data = halves(new int[] {60, 60, 60}, 3);
        DmSettings settings = new DmSettings(2, 300, 32, 5.0, 0.5, "noise", new int[] {4, 8}, false);
        SyntheticSet zero = new DistributionMatching(new DmSettings(2, 1, 32, 1e-9, 0.5, "noise", new int[] {4, 8}, false))
                .distill(data, 5, Distiller.Progress.NONE);
        double[] losses = new double[settings.iterations()];
        SyntheticSet set = new DistributionMatching(settings).distill(data, 5, (done, total, loss) -> losses[done - 1] = loss);
        assertThat(set.labels()).containsExactly(0, 0, 1, 1, 2, 2);
        for (int c = 0; c < 3; c++) {
            double[] real = classMean(data.features(), data.labels(), c);
            double before = correlation(classMean(zero.features(), zero.labels(), c), real);
            double after = correlation(classMean(set.features(), set.labels(), c), real);
            assertThat(Math.abs(before)).as("class %d at the start", c).isLessThan(0.3);
            assertThat(after).as("class %d after DM", c).isGreaterThan(0.6);
        }
        // the objective, under a fresh network each step, falls by an order of magnitude
        double first = java.util.Arrays.stream(losses, 0, 10).average().orElseThrow();
        double last = java.util.Arrays.stream(losses, losses.length - 10, losses.length).average().orElseThrow();
        assertThat(last).isLessThan(first / 10);
    }

    @Test
    void aScarceClassKeepsWhatItHasAndAMissingOneGetsNothing() {
        DenseClientData data = halves(new int[] {20, 3, 0}, 4);
        for (Distiller d : new Distiller[] {new RandomReal(5), new DistributionMatching(new DmSettings(5, 3, 8, 1, 0.5, "real", new int[] {2, 3}, true))}) {
            SyntheticSet set = d.distill(data, 1, Distiller.Progress.NONE);
            assertThat(set.count(0)).as(d.method()).isEqualTo(5);
            assertThat(set.count(1)).as(d.method()).isEqualTo(3);
            assertThat(set.count(2)).as(d.method()).isZero();
            assertThat(set.features()).hasSize(8 * D);
        }
    }

    @Test
    void randomRealDrawsDistinctRealExamplesOfEachClassReproducibly() {
        DenseClientData data = halves(new int[] {30, 30, 30}, 6);
        SyntheticSet a = new RandomReal(4).distill(data, 9, Distiller.Progress.NONE);
        SyntheticSet b = new RandomReal(4).distill(data, 9, Distiller.Progress.NONE);
        assertThat(a.features()).isEqualTo(b.features());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            float[] img = java.util.Arrays.copyOfRange(a.features(), i * D, (i + 1) * D);
            int match = -1;
            for (int j = 0; j < data.size(); j++) {
                if (java.util.Arrays.equals(img, java.util.Arrays.copyOfRange(data.features(), j * D, (j + 1) * D))) {
                    match = j;
                }
            }
            assertThat(match).isNotNegative();
            assertThat(data.label(match)).isEqualTo(a.labels()[i]);
            assertThat(seen.add(Integer.toString(match))).isTrue();
        }
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        assertThatThrownBy(() -> new RandomReal(0)).hasMessageContaining("--ipc 0");
        assertThatThrownBy(() -> new DmSettings(10, 0, 8, 1, 0.5, "real", new int[] {2, 3}, true)).hasMessageContaining("--iterations");
        assertThatThrownBy(() -> new DmSettings(10, 5, 8, 1, 0.5, "zeros", new int[] {2, 3}, true)).hasMessageContaining("real or noise");
        assertThatThrownBy(() -> new DmSettings(10, 5, 8, -1, 0.5, "real", new int[] {2, 3}, true)).hasMessageContaining("--image-lr");
        DenseClientData notSquare = new DenseClientData(0, new long[] {0}, new float[10], new int[] {0}, new int[] {10}, 2);
        assertThatThrownBy(() -> new RandomReal(1).distill(notSquare, 1, Distiller.Progress.NONE)).hasMessageContaining("square");
    }
}
