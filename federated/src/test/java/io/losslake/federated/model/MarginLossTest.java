package io.losslake.federated.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MarginLossTest {
    private static double total(float[][] z, float[][] y, double lambda, boolean perSample) {
        double sum = 0;
        for (double s : MarginControlledCrossEntropy.evaluate(z, y, lambda, perSample).scores()) {
            sum += s;
        }
        return sum;
    }

    @Test
    void gradientsMatchFiniteDifferencesInBothForms() {
        SplittableRandom r = new SplittableRandom(3);
        int b = 5;
        int k = 4;
        float[][] z = new float[b][k];
        float[][] y = new float[b][k];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                z[i][j] = (float) (r.nextDouble() * 4 - 2);
            }
            y[i][r.nextInt(k)] = 1;
        }
        for (boolean perSample : new boolean[] {true, false}) {
            double[][] g = MarginControlledCrossEntropy.evaluate(z, y, 0.3, perSample).gradient();
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < k; j++) {
                    float keep = z[i][j];
                    double h = 1e-2;
                    z[i][j] = (float) (keep + h);
                    double up = total(z, y, 0.3, perSample);
                    z[i][j] = (float) (keep - h);
                    double down = total(z, y, 0.3, perSample);
                    z[i][j] = keep;
                    assertThat(g[i][j]).as("d/dz[%d][%d], per sample %s", i, j, perSample).isCloseTo((up - down) / (2 * h), within(2e-4));
                }
            }
        }
    }

    @Test
    void valuesAreCrossEntropyPlusTheMarginTerm() {
        float[][] z = {{0f, 0f}, {2f, 0f}};
        float[][] y = {{1f, 0f}, {0f, 1f}};
        double[] plain = MarginControlledCrossEntropy.evaluate(z, y, 0, true).scores();
        assertThat(plain[0]).isCloseTo(Math.log(2), within(1e-7));
        double p = Math.exp(2) / (Math.exp(2) + 1);
        assertThat(plain[1]).isCloseTo(-Math.log(1 - p), within(1e-6));
        double[] perSample = MarginControlledCrossEntropy.evaluate(z, y, 0.5, true).scores();
        assertThat(perSample[0] - plain[0]).isCloseTo(0.5 * Math.log(1 + 0.5), within(1e-7));
        assertThat(perSample[1] - plain[1]).isCloseTo(0.5 * Math.log(1 + p * p + (1 - p) * (1 - p)), within(1e-6));
        double[] batch = MarginControlledCrossEntropy.evaluate(z, y, 0.5, false).scores();
        double frobenius = 0.5 + p * p + (1 - p) * (1 - p);
        assertThat(batch[0] - plain[0]).isCloseTo(0.5 * Math.log(1 + frobenius), within(1e-6));
    }
}
