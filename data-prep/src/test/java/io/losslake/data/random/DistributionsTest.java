package io.losslake.data.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistributionsTest {
    @Test
    void gammaHasMeanAndVarianceEqualToItsShape() {
        for (double shape : new double[] {0.05, 0.3, 1.0, 4.5}) {
            SplittableRandom random = new SplittableRandom(1);
            int n = 200_000;
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double g = Math.exp(Distributions.logGamma(random, shape));
                sum += g;
                sumSq += g * g;
            }
            double mean = sum / n;
            double var = sumSq / n - mean * mean;
            // standard error of the mean is sqrt(shape / n); allow 5 of them
            assertThat(mean).as("mean of Gamma(%s)", shape).isCloseTo(shape, within(5 * Math.sqrt(shape / n)));
            assertThat(var).as("variance of Gamma(%s)", shape).isCloseTo(shape, within(0.08 * shape + 0.002));
        }
    }

    @Test
    void dirichletSumsToOneWithMeanAlphaOverItsSumEvenForTinyAlpha() {
        double[] alpha = {0.5, 1.5, 3.0};
        SplittableRandom random = new SplittableRandom(2);
        double[] mean = new double[3];
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            double[] p = Distributions.dirichlet(random, alpha);
            assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, within(1e-12));
            for (int k = 0; k < 3; k++) {
                mean[k] += p[k] / n;
            }
        }
        assertThat(mean[0]).isCloseTo(0.1, within(0.005));
        assertThat(mean[1]).isCloseTo(0.3, within(0.005));
        assertThat(mean[2]).isCloseTo(0.6, within(0.005));
        double[] tiny = Distributions.dirichlet(random, 0.001, 1000);
        double sum = 0;
        for (double p : tiny) {
            assertThat(p).isFinite().isNotNegative();
            sum += p;
        }
        assertThat(sum).isCloseTo(1.0, within(1e-9));
    }
}
