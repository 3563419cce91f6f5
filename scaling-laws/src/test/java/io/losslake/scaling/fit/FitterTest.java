package io.losslake.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each form recovers the parameters that generated noisy synthetic data, within its 99% bootstrap interval. */
class FitterTest {
    private static FitData synthetic(LawForm form, double[] theta, double noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        if (form.inputs().size() == 2) {
            for (double n = 1e7; n <= 1e10; n *= 2.2) {
                for (double d = 1e8; d <= 1e11; d *= 2.5) {
                    xs.add(new double[] {n, d});
                }
            }
        } else {
            for (double c = 1e12; c <= 1e20; c *= 1.5) {
                xs.add(new double[] {c});
            }
        }
        for (double[] x : xs) {
            double eps = noise * (r.nextDouble() * 2 - 1) * Math.sqrt(3); // uniform, std = noise
            ys.add(form.predict(theta, x) * Math.exp(eps));
        }
        return new FitData(xs.toArray(double[][]::new), ys.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void assertRecovered(LawForm form, double[] theta, Map<String, Double> truth) {
        FitData data = synthetic(form, theta, 0.003, 7);
        Fitter.Fit fit = Fitter.fit(form, data, Fitter.Options.DEFAULT);
        Bootstrap.Intervals ci = Bootstrap.run(fit, data, 300, 3, 0.99, Fitter.Options.DEFAULT);
        assertThat(ci.fitted()).isGreaterThan(290);
        for (Map.Entry<String, Double> e : truth.entrySet()) {
            double[] bounds = ci.bounds().get(e.getKey());
            assertThat(e.getValue()).as("%s %s in [%s, %s] (fit %s)", form.name(), e.getKey(), bounds[0], bounds[1], fit.parameters().get(e.getKey()))
                    .isBetween(bounds[0], bounds[1]);
        }
    }

    @Test
    void chinchillaRecoversHoffmannsPublishedParameters() {
        double[] theta = {Math.log(406.4), Math.log(410.7), Math.log(1.69), 0.34, 0.28};
        assertRecovered(new Chinchilla(), theta, Map.of("E", 1.69, "A", 406.4, "B", 410.7, "alpha", 0.34, "beta", 0.28,
                "a_N", 0.28 / 0.62, "a_D", 0.34 / 0.62));
    }

    @Test
    void powerLawAndKaplanRecoverTheirParameters() {
        assertRecovered(new PowerLaw(), new double[] {Math.log(30), 0.12, Math.log(1.8)}, Map.of("E", 1.8, "A", 30.0, "alpha", 0.12));
        assertRecovered(new PowerLawNoE(), new double[] {Math.log(50), 0.08}, Map.of("A", 50.0, "alpha", 0.08));
        assertRecovered(new Kaplan(), new double[] {Math.log(3e8), Math.log(2e9), Math.log(1.2), 0.3, 0.4},
                Map.of("E", 1.2, "alpha", 0.3, "beta", 0.4));
    }

    @Test
    void theObjectiveIsTheSummedHuberLossOfLogResiduals() {
        LawForm form = new PowerLawNoE();
        double[][] logX = {{0}, {1}, {2}};
        double[] logY = {1.0, 0.9995, 0.5}; // residuals at theta = (1, 0): 0, 0.0005 (quadratic), 0.5 (linear)
        double[] grad = new double[2];
        double value = Fitter.huberObjective(form, logX, logY, new double[] {1, 0}, grad, 1e-3);
        assertThat(value).isCloseTo(0.5 * 0.0005 * 0.0005 + 1e-3 * (0.5 - 0.5e-3), within(1e-15));
        assertThat(grad[0]).isCloseTo(0.0005 + 1e-3, within(1e-12));
    }

    @Test
    void refusesTooFewOrNonPositivePoints() {
        assertThatThrownBy(() -> Fitter.fit(new Chinchilla(), new FitData(new double[][] {{1, 2}, {3, 4}}, new double[] {1, 2}),
                Fitter.Options.DEFAULT)).hasMessage("The chinchilla form has 5 parameters but only 2 points were given; it needs at least 5.");
        assertThatThrownBy(() -> new FitData(new double[][] {{1}, {0}}, new double[] {1, 1})).hasMessageContaining("positive");
        assertThatThrownBy(() -> new FitData(new double[][] {{1}, {2}}, new double[] {1, -3})).hasMessageContaining("Loss of point 1 is -3.0");
    }

    @Test
    void isoFlopParabolasFindTheOptimalSizes() {
        double a = 406.4;
        double b = 410.7;
        double alpha = 0.34;
        double beta = 0.28;
        List<double[]> rows = new ArrayList<>();
        for (double c : new double[] {1e18, 1e19, 1e20, 1e21}) {
            ComputeOptimal opt = ComputeOptimal.of(a, b, alpha, beta);
            double center = opt.optimalN(c);
            for (double f : new double[] {0.25, 0.5, 1, 2, 4}) {
                double n = center * f;
                double d = c / (6 * n);
                rows.add(new double[] {c, n, 1.69 + a / Math.pow(n, alpha) + b / Math.pow(d, beta)});
            }
        }
        IsoFlop.Result r = IsoFlop.fit(rows.stream().mapToDouble(x -> x[0]).toArray(), rows.stream().mapToDouble(x -> x[1]).toArray(),
                rows.stream().mapToDouble(x -> x[2]).toArray());
        assertThat(r.budgets()).hasSize(4);
        // a parabola in log N approximates the true curve near its minimum: the exponent comes out close
        assertThat(r.exponentN()).isCloseTo(beta / (alpha + beta), within(0.02));
        assertThat(r.exponentD()).isCloseTo(alpha / (alpha + beta), within(0.02));
    }

    @Test
    void extrapolationFitsBelowTheCutoffAndScoresAbove() {
        LawForm form = new PowerLaw();
        FitData data = synthetic(form, new double[] {Math.log(30), 0.12, Math.log(1.8)}, 0.002, 3);
        Extrapolation e = Extrapolation.check(form, data, 1e17, Fitter.Options.DEFAULT);
        assertThat(e.heldOut().size()).isGreaterThan(5);
        assertThat(e.meanAbsoluteRelativeError()).isLessThan(0.01);
    }

    @Test
    void theExtrapolationCutoffNeverSplitsEqualScalesAndAlwaysLeavesAPointAbove() {
        double[][] distinct = {{1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10}};
        assertThat(Extrapolation.cutoff(distinct, 0.2)).isEqualTo(8); // rank floor(0.8 * 9) = 7: 9 and 10 held out
        // the two largest budgets are equal: the rank lands on the top scale, so the cutoff drops below it
        double[][] tied = {{1}, {2}, {3}, {4}, {4}};
        assertThat(Extrapolation.cutoff(tied, 0.2)).isEqualTo(3);
        // N x D is the scale of two-input points
        assertThat(Extrapolation.cutoff(new double[][] {{1, 2}, {2, 2}, {2, 4}}, 0.5)).isEqualTo(4);
        assertThatThrownBy(() -> Extrapolation.cutoff(new double[][] {{5}, {5}, {5}}, 0.3))
                .hasMessageContaining("Every point has the same compute scale");
    }
}
