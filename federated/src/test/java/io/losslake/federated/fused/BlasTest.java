package io.losslake.federated.fused;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every BLAS this machine loads computes row-major products with every transposition right. */
class BlasTest {
    @Test
    void everyBackendMultipliesLikeTheTextbookLoop() {
        SplittableRandom random = new SplittableRandom(5);
        int m = 7;
        int n = 5;
        int k = 9;
        for (Blas.Backend blas : Blas.available()) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = random(random, m * k);
                    float[] b = random(random, k * n);
                    float[] c = random(random, m * n);
                    float[] expected = new float[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double dot = 0;
                            for (int p = 0; p < k; p++) {
                                double av = ta ? a[p * m + i] : a[i * k + p];
                                double bv = tb ? b[j * k + p] : b[p * n + j];
                                dot += av * bv;
                            }
                            expected[i * n + j] = (float) (0.5 * dot + 2.0 * c[i * n + j]);
                        }
                    }
                    blas.gemm(ta, tb, m, n, k, 0.5f, a, ta ? m : k, b, tb ? k : n, 2f, c, n);
                    for (int i = 0; i < c.length; i++) {
                        assertThat(c[i]).as("%s transA=%s transB=%s at %d", blas.describe(), ta, tb, i)
                                .isCloseTo(expected[i], within(1e-5f * (1 + Math.abs(expected[i]))));
                    }
                }
            }
        }
        assertThat(Blas.describe()).containsAnyOf("system OpenBLAS", "bundled OpenBLAS");
    }

    private static float[] random(SplittableRandom random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return out;
    }
}
