package io.losslake.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LossToLossTest {
    @Test
    void recoversAShiftedPowerLawWithGivenOrFittedOffsets() {
        double k = 1.7;
        double kappa = 0.8;
        double ex = 1.2;
        double ey = 0.9;
        int n = 30;
        double[] lx = new double[n];
        double[] ly = new double[n];
        for (int i = 0; i < n; i++) {
            lx[i] = ex + 2.0 * Math.pow(1.25, -i);
            ly[i] = k * Math.pow(lx[i] - ex, kappa) + ey;
        }
        LossToLoss.Map2 given = LossToLoss.fit(lx, ly, ex, ey, Fitter.Options.DEFAULT);
        assertThat(given.k()).isCloseTo(k, within(1e-4));
        assertThat(given.kappa()).isCloseTo(kappa, within(1e-4));
        LossToLoss.Map2 fitted = LossToLoss.fit(lx, ly, Double.NaN, Double.NaN, Fitter.Options.DEFAULT);
        assertThat(fitted.kappa()).isCloseTo(kappa, within(0.02));
        assertThat(fitted.ex()).isCloseTo(ex, within(0.02));
        assertThat(fitted.ey()).isCloseTo(ey, within(0.02));
        assertThat(fitted.predict(lx[n - 1])).isCloseTo(ly[n - 1], within(1e-3));
    }

    @Test
    void translatesAChinchillaLawThroughTheMap() {
        LossToLoss.Map2 map = new LossToLoss.Map2(2.0, 0.5, 1.0, 0.7, false, 0);
        Map<String, Double> law = Map.of("E", 1.0, "A", 400.0, "B", 900.0, "alpha", 0.3, "beta", 0.4);
        Map<String, Double> t = LossToLoss.translateChinchilla(law, map);
        assertThat(t.get("alpha")).isCloseTo(0.15, within(1e-12));
        assertThat(t.get("beta")).isCloseTo(0.2, within(1e-12));
        assertThat(t.get("A")).isCloseTo(2.0 * Math.sqrt(400), within(1e-9));
        assertThat(t.get("E")).isEqualTo(0.7);
        // the parameterisation, (A_s/N)^alpha with A_s = A^(1/alpha): A_s' = A_s K^(1/(kappa alpha))
        double as = Math.pow(400, 1 / 0.3);
        assertThat(Math.pow(t.get("A"), 1 / t.get("alpha"))).isCloseTo(as * Math.pow(2.0, 1 / (0.5 * 0.3)), within(as * 1e-9));
        // each reducible term maps exactly: K (A/N^alpha)^kappa = A'/N^alpha'
        double n = 1e8;
        assertThat(2.0 * Math.pow(400 / Math.pow(n, 0.3), 0.5)).isCloseTo(t.get("A") / Math.pow(n, t.get("alpha")), within(1e-12));
    }

    @Test
    void withGivenOffsetsKAndKappaMinimiseTheSquaredLogLogResiduals() {
        java.util.Random random = new java.util.Random(5);
        int n = 40;
        double[] lx = new double[n];
        double[] ly = new double[n];
        for (int i = 0; i < n; i++) {
            lx[i] = 2.0 + 1.5 * Math.pow(1.1, -i);
            ly[i] = (0.9 * Math.pow(lx[i] - 1.8, 1.1) + 1.2) * (1 + 0.01 * random.nextGaussian());
        }
        LossToLoss.Map2 m = LossToLoss.fit(lx, ly, 1.8, 1.2, Fitter.Options.DEFAULT);
        java.util.function.BiFunction<Double, Double, Double> sse = (logK, kappa) -> {
            double s = 0;
            for (int i = 0; i < n; i++) {
                double r = Math.log(ly[i] - 1.2) - logK - kappa * Math.log(lx[i] - 1.8);
                s += r * r;
            }
            return s;
        };
        double logK = Math.log(m.k());
        assertThat(m.objective()).isCloseTo(sse.apply(logK, m.kappa()), within(1e-12));
        // a minimum: central differences of the objective vanish, and every step away costs
        double h = 1e-5;
        assertThat((sse.apply(logK + h, m.kappa()) - sse.apply(logK - h, m.kappa())) / (2 * h)).isCloseTo(0, within(1e-6));
        assertThat((sse.apply(logK, m.kappa() + h) - sse.apply(logK, m.kappa() - h)) / (2 * h)).isCloseTo(0, within(1e-6));
        assertThat(sse.apply(logK + 1e-3, m.kappa())).isGreaterThan(m.objective());
        assertThat(sse.apply(logK, m.kappa() - 1e-3)).isGreaterThan(m.objective());
    }

    @Test
    void refusesOffsetsAboveTheLosses() {
        assertThatThrownBy(() -> LossToLoss.fit(new double[] {1, 2}, new double[] {1, 2}, 1.5, 0.1, Fitter.Options.DEFAULT))
                .hasMessageContaining("must lie below");
    }
}
