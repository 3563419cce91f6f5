package io.losslake.federated.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
    @Test
    void agreesWithCommonsMathAndSatisfiesAvEqualsLambdaV() {
        SplittableRandom r = new SplittableRandom(4);
        for (int n : new int[] {1, 2, 5, 12}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    a[i][j] = a[j][i] = r.nextDouble() * 2 - 1;
                }
            }
            SymmetricEigen ours = SymmetricEigen.of(a);
            double[] reference = new EigenDecomposition(new Array2DRowRealMatrix(a)).getRealEigenvalues();
            java.util.Arrays.sort(reference);
            for (int j = 0; j < n; j++) {
                assertThat(ours.values()[j]).isCloseTo(reference[n - 1 - j], within(1e-10));
                double[] v = ours.vectors()[j];
                double norm = 0;
                for (int i = 0; i < n; i++) {
                    double av = 0;
                    for (int k = 0; k < n; k++) {
                        av += a[i][k] * v[k];
                    }
                    assertThat(av).isCloseTo(ours.values()[j] * v[i], within(1e-10));
                    norm += v[i] * v[i];
                }
                assertThat(norm).isCloseTo(1.0, within(1e-12));
            }
        }
    }
}
