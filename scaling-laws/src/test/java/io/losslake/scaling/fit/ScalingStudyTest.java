package io.losslake.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScalingStudyTest {
    /** Hoffmann et al.'s fitted law (their Approach 3), in nats, with C = 6 N D. */
    static final double E = 1.69;
    static final double A = 406.4;
    static final double B = 410.7;
    static final double ALPHA = 0.34;
    static final double BETA = 0.28;

    static double law(double n, double d) {
        return E + A / Math.pow(n, ALPHA) + B / Math.pow(d, BETA);
    }

    /**
     * An IsoFLOP design on the law: per budget, 7 sizes log-spaced by a factor 2 around the law's
     * own optimum, D = C / (6 N), each size trained with {@code seeds} seeds whose losses carry
     * multiplicative noise of {@code sigma}.
     */
    static List<ScalingStudy.Point> design(double[] budgets, int seeds, double sigma, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ComputeOptimal opt = ComputeOptimal.of(A, B, ALPHA, BETA);
        List<ScalingStudy.Point> out = new ArrayList<>();
        for (double c : budgets) {
            double center = opt.optimalN(c);
            for (int k = -3; k <= 3; k++) {
                double n = center * Math.pow(2, k);
                double d = c / (6 * n);
                for (int s = 0; s < seeds; s++) {
                    out.add(new ScalingStudy.Point(c, n, d, law(n, d) * Math.exp(sigma * random.nextGaussian()), s));
                }
            }
        }
        return out;
    }

    static final double[] BUDGETS = {1e18, 3e18, 1e19, 3e19, 1e20, 3e20, 1e21};

    @Test
    void aParabolaThroughExactPointsRecoversItsVertexAndTheFrontierItsExponents() {
        // per budget C, L = 2 + 0.3 (ln N - ln N*)^2 with N* = 0.02 C^0.45: the vertex and a come back exactly
        List<double[]> rows = new ArrayList<>();
        for (double c : new double[] {1e12, 1e13, 1e14}) {
            double nStar = 0.02 * Math.pow(c, 0.45);
            for (int k = -2; k <= 3; k++) {
                double n = nStar * Math.pow(1.7, k + 0.3);
                rows.add(new double[] {c, n, c / (5 * n), 2 + 0.3 * Math.pow(Math.log(n / nStar), 2)});
            }
        }
        IsoFlop.Result r = IsoFlop.fit(rows.stream().mapToDouble(x -> x[0]).toArray(), rows.stream().mapToDouble(x -> x[1]).toArray(),
                rows.stream().mapToDouble(x -> x[2]).toArray(), rows.stream().mapToDouble(x -> x[3]).toArray());
        assertThat(r.budgets()).hasSize(3);
        for (IsoFlop.Budget b : r.budgets()) {
            double nStar = 0.02 * Math.pow(b.flops(), 0.45);
            assertThat(b.optimalN() / nStar).isCloseTo(1, within(1e-9));
            assertThat(b.optimalLoss()).isCloseTo(2, within(1e-9));
            // D at the vertex read off the budget's own D(N) line: C / (5 N*)
            assertThat(b.optimalD() / (b.flops() / (5 * nStar))).isCloseTo(1, within(1e-9));
            assertThat(b.bracketed()).isTrue();
        }
        assertThat(r.exponentN()).isCloseTo(0.45, within(1e-9));
        assertThat(r.exponentD()).isCloseTo(0.55, within(1e-9));
    }

    @Test
    void onTheChinchillaLawBothApproachesFindItsExponentAndPredictTheHeldOutBudget() {
        ScalingStudy.Result r = ScalingStudy.run(design(BUDGETS, 3, 0.002, 1), new ScalingStudy.Options(100, 7, 0.95, true));
        double a = BETA / (ALPHA + BETA);
        ScalingStudy.Approach3 a3 = r.approach3();
        assertThat(a3.parameters().get("alpha").value()).isCloseTo(ALPHA, within(0.02));
        assertThat(a3.parameters().get("beta").value()).isCloseTo(BETA, within(0.02));
        assertThat(a3.parameters().get("a_N").value()).isCloseTo(a, within(0.01));
        // the law itself generated the held-out budget: its runs are predicted to the noise
        assertThat(a3.meanError()).isLessThan(0.005);
        // the parabola's vertex on a curve that is not a parabola: a within 0.02 of the law's, and the two approaches agree
        assertThat(r.approach2().exponentN().value()).isCloseTo(a, within(0.02));
        assertThat(r.approach2().exponentN().overlaps(a3.parameters().get("a_N"))).isTrue();
        assertThat(r.approach2().fit().budgets()).hasSize(BUDGETS.length - 1);
        assertThat(r.heldOut().budget()).isEqualTo(1e21);
        assertThat(r.heldOut().fromVertex()).isTrue();
        assertThat(r.heldOut().predictedN() / r.heldOut().observedN()).isCloseTo(1, within(0.1));
        // the law's frontier along the held-out budget is its minimum there (within the noise)
        double best = Double.POSITIVE_INFINITY;
        for (int i = -300; i <= 300; i++) {
            double n = ComputeOptimal.of(A, B, ALPHA, BETA).optimalN(1e21) * Math.exp(i / 100.0);
            best = Math.min(best, law(n, 1e21 / (6 * n)));
        }
        assertThat(a3.frontier()).isCloseTo(best, within(0.01 * best));
        assertThat(r.warnings()).noneMatch(w -> w.contains("DISAGREE") || w.contains("disagree"));
    }

    @Test
    void seedNoiseEntersApproach2sIntervalsAndWidensThem() {
        ScalingStudy.Options options = new ScalingStudy.Options(200, 3, 0.95, false);
        // identical losses across seeds: every replicate is the full fit, so the interval has no width
        List<ScalingStudy.Point> same = new ArrayList<>();
        for (ScalingStudy.Point p : design(BUDGETS, 1, 0.01, 5)) {
            for (int s = 0; s < 3; s++) {
                same.add(new ScalingStudy.Point(p.budget(), p.n(), p.d(), p.loss(), s));
            }
        }
        ScalingStudy.Estimate none = ScalingStudy.run(same, options).approach2().exponentN();
        assertThat(none.width()).isZero();
        ScalingStudy.Estimate small = ScalingStudy.run(design(BUDGETS, 3, 0.002, 5), options).approach2().exponentN();
        ScalingStudy.Estimate large = ScalingStudy.run(design(BUDGETS, 3, 0.01, 5), options).approach2().exponentN();
        assertThat(small.width()).isGreaterThan(0);
        assertThat(large.width()).isGreaterThan(2 * small.width());
        assertThat(small.low()).isLessThan(small.value());
        assertThat(small.high()).isGreaterThan(small.value());
        // one seed per configuration: said in words
        ScalingStudy.Result single = ScalingStudy.run(design(BUDGETS, 1, 0.01, 5), options);
        assertThat(single.warnings()).anyMatch(w -> w.contains("one seed"));
    }

    @Test
    void budgetsWhoseVertexLiesOutsideTheirSizesAreLeftOutOfTheFrontier() {
        // the two smallest budgets train only sizes 2.8 to 32 times their optimum: their parabolas' vertices are extrapolated
        List<ScalingStudy.Point> points = new ArrayList<>();
        ComputeOptimal opt = ComputeOptimal.of(A, B, ALPHA, BETA);
        for (ScalingStudy.Point p : design(BUDGETS, 3, 0.002, 3)) {
            if (p.budget() > 3e18) {
                points.add(p);
            }
        }
        SplittableRandom random = new SplittableRandom(4);
        for (double c : new double[] {1e18, 3e18}) {
            for (int k = 3; k <= 10; k++) {
                double n = opt.optimalN(c) * Math.pow(Math.sqrt(2), k);
                for (int s = 0; s < 3; s++) {
                    points.add(new ScalingStudy.Point(c, n, c / (6 * n), law(n, c / (6 * n)) * Math.exp(0.002 * random.nextGaussian()), s));
                }
            }
        }
        ScalingStudy.Result r = ScalingStudy.run(points, new ScalingStudy.Options(100, 3, 0.95, true));
        ScalingStudy.Approach2 a2 = r.approach2();
        // the table still shows all six fitted budgets' parabolas; the lines go through the four measured vertices
        assertThat(a2.profiles().budgets()).hasSize(6);
        assertThat(a2.profiles().budgets()).filteredOn(b -> !b.bracketed()).extracting(IsoFlop.Budget::flops).containsExactly(1e18, 3e18);
        assertThat(a2.extrapolated()).containsExactly(1e18, 3e18);
        assertThat(a2.fit().budgets()).extracting(IsoFlop.Budget::flops).containsExactly(1e19, 3e19, 1e20, 3e20);
        assertThat(a2.exponentN().value()).isCloseTo(BETA / (ALPHA + BETA), within(0.02));
        // its seed bootstrap redraws the same four budgets: the interval brackets the estimate (with the two extrapolated
        // budgets in the replicates it was [0.396, 0.423] around 0.4525)
        assertThat(a2.exponentN().low()).isLessThan(a2.exponentN().value());
        assertThat(a2.exponentN().high()).isGreaterThan(a2.exponentN().value());
        assertThat(r.warnings()).anyMatch(w -> w.contains("fitted to the other 4 budgets"));
        // with only three budgets left after the two, all stay in and each extrapolated vertex is warned about
        List<ScalingStudy.Point> few = points.stream().filter(p -> p.budget() < 3e19 || p.budget() == 1e21).toList();
        ScalingStudy.Result kept = ScalingStudy.run(few, new ScalingStudy.Options(0, 3, 0.95, true));
        assertThat(kept.approach2().extrapolated()).isEmpty();
        assertThat(kept.approach2().fit().budgets()).hasSize(3);
        assertThat(kept.warnings()).filteredOn(w -> w.contains("its vertex is extrapolated")).hasSize(2);
    }

    @Test
    void anIllConditionedStudySaysSoInWords() {
        // a pure power law in N and D (no irreducible loss), noisy, over few budgets: E goes to its bound, intervals are wide
        SplittableRandom random = new SplittableRandom(9);
        List<ScalingStudy.Point> points = new ArrayList<>();
        for (double c : new double[] {1e10, 2e10, 4e10}) {
            for (int k = -3; k <= 3; k++) {
                double n = 1e4 * Math.pow(1.6, k) * Math.pow(c / 1e10, 0.5);
                double d = c / (6 * n);
                for (int s = 0; s < 2; s++) {
                    points.add(new ScalingStudy.Point(c, n, d, (30 / Math.pow(n, 0.3) + 40 / Math.pow(d, 0.3)) * Math.exp(0.03 * random.nextGaussian()),
                            s));
                }
            }
        }
        ScalingStudy.Result r = ScalingStudy.run(points, new ScalingStudy.Options(100, 1, 0.95, false));
        assertThat(r.warnings()).anyMatch(w -> w.contains("interval is") && w.contains("wide"));
        assertThat(r.warnings()).anyMatch(w -> w.contains("E is at its lower bound"));
    }

    @Test
    void aStudyNeedsBudgetsToHoldOneOut() {
        List<ScalingStudy.Point> two = design(new double[] {1e18, 1e19}, 1, 0, 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScalingStudy.run(two, new ScalingStudy.Options(0, 1, 0.95, true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 3 compute budgets (one is held out); found 2");
    }
}
