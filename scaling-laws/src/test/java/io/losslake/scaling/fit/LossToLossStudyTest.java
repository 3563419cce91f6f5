package io.losslake.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.losslake.scaling.fit.LossToLossStudy.Offsets;
import io.losslake.scaling.fit.LossToLossStudy.Options;
import io.losslake.scaling.fit.LossToLossStudy.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LossToLossStudyTest {
    // the x side: a Kaplan law L = E + [(A/N)^(alpha/beta) + B/D]^beta
    static final double EX = 1.6;
    static final double A = 1e4;
    static final double B = 1e5;
    static final double ALPHA = 0.35;
    static final double BETA = 0.4;
    // the y side: L_y = K (L_x - E_x)^kappa + E_y, itself a Kaplan law (alpha' = kappa alpha, beta' = kappa beta)
    static final double K = 1.3;
    static final double KAPPA = 1.2;
    static final double EY = 0.9;

    static double reducible(double n, double d) {
        return Math.pow(Math.pow(A / n, ALPHA / BETA) + B / d, BETA);
    }

    /** Both sides on a 6 x 6 grid of N (1e5..1e8) and D (1e6..10^8.75), with multiplicative noise of the given sd. */
    static List<List<Point>> sides(double noise, long seed) {
        Random random = new Random(seed);
        List<Point> xs = new ArrayList<>();
        List<Point> ys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                double n = 1e5 * Math.pow(10, 3.0 * i / 5);
                double d = 1e6 * Math.pow(10, 0.55 * j); // steps unlike N's: no two points share C
                double r = reducible(n, d);
                List<Object> key = List.of(i, j);
                double lx = (EX + r) * (1 + noise * random.nextGaussian());
                double ly = (K * Math.pow(r, KAPPA) + EY) * (1 + noise * random.nextGaussian());
                xs.add(new Point(key, lx, 6 * n * d, n, d, false));
                ys.add(new Point(key, ly, 6 * n * d, n, d, false));
            }
        }
        return List.of(xs, ys);
    }

    static Options options(Offsets offsets) {
        return new Options(offsets, 0.2, Fitter.Options.DEFAULT);
    }

    @Test
    void kaplanOffsetsRecoverTheIrreducibleLossesOfNoisyData() {
        List<List<Point>> s = sides(0.003, 7);
        LossToLossStudy.Result r = LossToLossStudy.fit(s.get(0), s.get(1), options(Offsets.KAPLAN));
        assertThat(r.map().ex()).isCloseTo(EX, within(0.03));
        assertThat(r.map().ey()).isCloseTo(EY, within(0.03));
        assertThat(r.heldOut()).hasSize(7); // floor(0.2 x 36) pairs of the largest compute
        assertThat(r.meanError()).isLessThan(0.01);
        assertThat(r.xLawRows()).hasSize(29);
    }

    @Test
    void anExactShiftedPowerLawIsExtrapolatedWithoutError() {
        List<List<Point>> s = sides(0, 1);
        for (Offsets offsets : List.of(Offsets.KAPLAN, Offsets.FIT)) {
            LossToLossStudy.Result r = LossToLossStudy.fit(s.get(0), s.get(1), options(offsets));
            assertThat(r.maxError()).as(offsets.spelling()).isLessThan(1e-4);
            assertThat(r.map().kappa()).as(offsets.spelling()).isCloseTo(KAPPA, within(offsets == Offsets.FIT ? 0.02 : 1e-3));
        }
        LossToLossStudy.Result kaplan = LossToLossStudy.fit(s.get(0), s.get(1), options(Offsets.KAPLAN));
        assertThat(kaplan.map().ex()).isCloseTo(EX, within(1e-3));
        assertThat(kaplan.map().ey()).isCloseTo(EY, within(1e-3));
        assertThat(kaplan.map().k()).isCloseTo(K, within(1e-3));
    }

    @Test
    void aHeldOutRowNeverInfluencesTheFit() {
        List<List<Point>> s = sides(0.003, 3);
        // fraction: the 7 pairs of the largest compute are held out; multiply their losses by 1.3
        double cut = s.get(0).stream().mapToDouble(Point::flops).sorted().toArray()[36 - 7];
        UnaryOperator<Point> bump = p -> p.flops() >= cut ? new Point(p.key(), p.loss() * 1.3, p.flops(), p.n(), p.d(), false) : p;
        for (Offsets offsets : Offsets.values()) {
            Options o = new Options(offsets, 7.5 / 36, Fitter.Options.DEFAULT);
            LossToLossStudy.Result base = LossToLossStudy.fit(s.get(0), s.get(1), o);
            LossToLossStudy.Result perturbed = LossToLossStudy.fit(s.get(0).stream().map(bump).toList(), s.get(1).stream().map(bump).toList(), o);
            assertThat(perturbed.map()).as(offsets.spelling()).isEqualTo(base.map());
            assertThat(perturbed.xLaw()).isEqualTo(base.xLaw());
            assertThat(perturbed.heldOut()).hasSize(7);
        }
        // a named hold-out set (the largest N, as the paper holds out its largest models), a y row only marked
        UnaryOperator<Point> mark = p -> p.key().get(0).equals(5) ? new Point(p.key(), p.loss(), p.flops(), p.n(), p.d(), true) : p;
        List<Point> xs = s.get(0);
        List<Point> ys = s.get(1).stream().map(mark).toList();
        LossToLossStudy.Result base = LossToLossStudy.fit(xs, ys, options(Offsets.KAPLAN));
        assertThat(base.heldOut()).hasSize(6);
        assertThat(base.xLawRows()).hasSize(30); // the x rows of held-out pairs are out of the x side's law too
        UnaryOperator<Point> bumpMarked = p -> p.key().get(0).equals(5) ? new Point(p.key(), p.loss() * 0.8, p.flops(), p.n(), p.d(), p.heldOut()) : p;
        LossToLossStudy.Result perturbed = LossToLossStudy.fit(xs.stream().map(bumpMarked).toList(), ys.stream().map(bumpMarked).toList(),
                options(Offsets.KAPLAN));
        assertThat(perturbed.map()).isEqualTo(base.map());
        assertThat(perturbed.yLaw()).isEqualTo(base.yLaw());
        // while a fitting row does move it (the check above can fail)
        UnaryOperator<Point> bumpFitting = p -> p.key().equals(List.of(0, 0)) ? new Point(p.key(), p.loss() * 1.05, p.flops(), p.n(), p.d(), false) : p;
        LossToLossStudy.Result moved = LossToLossStudy.fit(xs.stream().map(bumpFitting).toList(), ys, options(Offsets.KAPLAN));
        assertThat(moved.map()).isNotEqualTo(base.map());
    }

    @Test
    void aPredictionAtOrBelowExIsTheFloorAndFlagged() {
        List<List<Point>> s = sides(0, 1);
        List<Point> xs = new ArrayList<>(s.get(0));
        List<Point> ys = new ArrayList<>(s.get(1));
        // a held-out pair whose x loss lies below E_x (a model better than the x law's floor)
        xs.add(new Point(List.of("best"), EX - 0.1, 1e30, 1e9, 1e10, true));
        ys.add(new Point(List.of("best"), EY + 0.01, 1e30, 1e9, 1e10, false));
        LossToLossStudy.Result r = LossToLossStudy.fit(xs, ys, options(Offsets.KAPLAN));
        assertThat(r.heldOut()).hasSize(1);
        LossToLossStudy.Prediction p = r.heldOut().get(0);
        assertThat(p.belowOffset()).isTrue();
        assertThat(p.predicted()).isEqualTo(r.map().ey());
        assertThat(p.relativeError()).isFinite();
    }

    @Test
    void refusesWhatCannotBeFittedInOneSentence() {
        List<List<Point>> s = sides(0, 1);
        List<Point> other = s.get(1).stream().map(p -> new Point(List.of("other", p.key()), p.loss(), p.flops(), p.n(), p.d(), false)).toList();
        assertThatThrownBy(() -> LossToLossStudy.fit(s.get(0), other, options(Offsets.LAW))).hasMessageContaining("share no pairing key");
        assertThatThrownBy(() -> LossToLossStudy.fit(s.get(0).subList(0, 4), s.get(1), options(Offsets.FIT)))
                .hasMessageContaining("needs at least 5");
        assertThatThrownBy(() -> LossToLossStudy.fit(s.get(0).subList(0, 5), s.get(1), options(Offsets.KAPLAN)))
                .hasMessageContaining("needs at least 6");
        List<Point> unpaired = new ArrayList<>(s.get(0));
        unpaired.add(new Point(List.of("alone"), 2, 1, 1, 1, true));
        assertThatThrownBy(() -> LossToLossStudy.fit(unpaired, s.get(1), options(Offsets.LAW))).hasMessageContaining("nothing to predict");
        List<Point> allHeld = s.get(0).stream().map(p -> new Point(p.key(), p.loss(), p.flops(), p.n(), p.d(), true)).toList();
        assertThatThrownBy(() -> LossToLossStudy.fit(allHeld, s.get(1), options(Offsets.LAW))).hasMessageContaining("none is left");
        assertThatThrownBy(() -> Offsets.parse("median")).hasMessage("Invalid --offsets 'median': expected kaplan, chinchilla, law or fit.");
    }
}
