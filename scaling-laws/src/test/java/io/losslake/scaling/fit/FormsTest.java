package io.losslake.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FormsTest {
    @Test
    void everyFormsGradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(2);
        for (String name : Forms.NAMES) {
            LawForm form = Forms.byName(name);
            int k = form.thetaNames().size();
            for (int trial = 0; trial < 20; trial++) {
                double[] theta = new double[k];
                for (int j = 0; j < k; j++) {
                    theta[j] = form.thetaNames().get(j).startsWith("alpha") || form.thetaNames().get(j).startsWith("beta")
                            ? 0.05 + r.nextDouble() : r.nextDouble() * 10 - 2;
                }
                double[] logX = new double[form.inputs().size()];
                for (int j = 0; j < logX.length; j++) {
                    logX[j] = 10 + r.nextDouble() * 15;
                }
                double[] g = new double[k];
                form.logPredict(theta, logX, g);
                for (int j = 0; j < k; j++) {
                    double h = 1e-6;
                    double[] up = theta.clone();
                    double[] down = theta.clone();
                    up[j] += h;
                    down[j] -= h;
                    double fd = (form.logPredict(up, logX, new double[k]) - form.logPredict(down, logX, new double[k])) / (2 * h);
                    assertThat(g[j]).as("%s d/d%s", name, form.thetaNames().get(j)).isCloseTo(fd, within(1e-6 * Math.max(1, Math.abs(fd))));
                }
            }
        }
    }

    @Test
    void formsPredictWhatTheirFormulasSay() {
        double n = 1e9;
        double d = 2e10;
        // E + A/N^alpha + B/D^beta with Hoffmann et al.'s published values
        double[] chin = {Math.log(406.4), Math.log(410.7), Math.log(1.69), 0.34, 0.28};
        assertThat(new Chinchilla().predict(chin, new double[] {n, d}))
                .isCloseTo(1.69 + 406.4 / Math.pow(n, 0.34) + 410.7 / Math.pow(d, 0.28), within(1e-12));
        double[] kap = {Math.log(8.8e13), Math.log(5.4e13), Math.log(0.5), 0.076, 0.095};
        assertThat(new Kaplan().predict(kap, new double[] {n, d}))
                .isCloseTo(0.5 + Math.pow(Math.pow(8.8e13 / n, 0.076 / 0.095) + 5.4e13 / d, 0.095), within(1e-10));
        double[] pow = {Math.log(20), 0.05, Math.log(1.5)};
        assertThat(new PowerLaw().predict(pow, new double[] {1e18})).isCloseTo(1.5 + 20 * Math.pow(1e18, -0.05), within(1e-12));
        assertThat(new Chinchilla().grid()).hasSize(4500);
    }

    @Test
    void computeOptimalAllocationMinimisesTheLawAlongTheBudget() {
        double a = 406.4;
        double b = 410.7;
        double alpha = 0.34;
        double beta = 0.28;
        ComputeOptimal opt = ComputeOptimal.of(a, b, alpha, beta);
        assertThat(opt.exponentN()).isCloseTo(0.28 / 0.62, within(1e-12));
        assertThat(opt.exponentD()).isCloseTo(0.34 / 0.62, within(1e-12));
        double c = 5.76e23; // Chinchilla's budget
        double bestN = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (double logN = Math.log(1e8); logN < Math.log(1e12); logN += 1e-4) {
            double n = Math.exp(logN);
            double loss = a / Math.pow(n, alpha) + b / Math.pow(c / (6 * n), beta);
            if (loss < bestLoss) {
                bestLoss = loss;
                bestN = n;
            }
        }
        assertThat(opt.optimalN(c) / bestN).isCloseTo(1.0, within(1e-3));
        assertThat(opt.optimalN(c) * opt.optimalD(c) * 6).isCloseTo(c, within(c * 1e-9));
    }
}
