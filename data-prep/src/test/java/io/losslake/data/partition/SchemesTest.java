package io.losslake.data.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemesTest {
    @Test
    void dirichletApproachesIidAsAlphaGrowsAndSingleLabelClientsAsItShrinks() {
        PartitionInput input = Fixtures.balanced(60_000, 10);
        PartitionStats.Summary huge = Fixtures.summary(new DirichletPartitioner(10, 1e4, 10, true).partition(input, 1), input);
        PartitionStats.Summary mid = Fixtures.summary(new DirichletPartitioner(10, 0.5, 10, true).partition(input, 1), input);
        Partition tinyPartition = new DirichletPartitioner(10, 0.01, 0, true).partition(input, 1);
        PartitionStats.Summary tiny = Fixtures.summary(tinyPartition, input);
        assertThat(huge.meanTvDistance()).isLessThan(0.03);
        assertThat(huge.meanEntropy()).isCloseTo(Math.log(10), within(0.01));
        assertThat(mid.meanTvDistance()).isBetween(0.2, 0.8);
        // near single-label (over non-empty clients): entropy close to 0 nats; uniform over 10 classes is ln 10 = 2.30
        assertThat(tiny.meanEntropy()).isLessThan(0.4);
        double topShare = 0;
        int nonEmpty = 0;
        for (PartitionStats.Client c : PartitionStats.clients(tinyPartition, input.labels(), 10)) {
            if (c.examples() > 0) {
                topShare += (double) Arrays.stream(c.labelCounts()).max().getAsLong() / c.examples();
                nonEmpty++;
            }
        }
        assertThat(topShare / nonEmpty).isGreaterThan(0.75);
        assertThat(tiny.meanTvDistance()).isGreaterThan(0.8);
    }

    @Test
    void dirichletRespectsTheMinimumSizeOrSaysWhyItCannot() {
        PartitionInput input = Fixtures.balanced(2_000, 10);
        Partition p = new DirichletPartitioner(20, 0.5, 30, true).partition(input, 3);
        assertThat(Arrays.stream(p.clients()).mapToInt(c -> c.length).min().getAsInt()).isGreaterThanOrEqualTo(30);
        assertThatThrownBy(() -> new DirichletPartitioner(100, 0.01, 19, false).partition(input, 3))
                .hasMessageContaining("below --min-size 19");
        assertThatThrownBy(() -> new DirichletPartitioner(100, 0.5, 21, true).partition(input, 3))
                .hasMessageContaining("Cannot give 100 clients at least 21 examples each from 2000 examples");
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new DirichletPartitioner(10, bad, 0, true))
                    .hasMessageStartingWith("Invalid --alpha " + bad);
        }
    }

    @Test
    void shardsGiveEveryClientExactlyKLabelsAndEveryClassBalancedHolders() {
        PartitionInput input = Fixtures.sorted(6_000, 10);
        for (int k : new int[] {1, 2, 3, 10}) {
            Partition p = new ShardPartitioner(25, k).partition(input, 4);
            PartitionStats.Client[] stats = PartitionStats.clients(p, input.labels(), 10);
            assertThat(stats).allSatisfy(c -> assertThat(c.labelsPresent()).isEqualTo(k));
            int[] holders = new int[10];
            for (PartitionStats.Client c : stats) {
                for (int label = 0; label < 10; label++) {
                    holders[label] += c.labelCounts()[label] > 0 ? 1 : 0;
                }
            }
            assertThat(Arrays.stream(holders).max().getAsInt() - Arrays.stream(holders).min().getAsInt()).isLessThanOrEqualTo(1);
        }
        assertThatThrownBy(() -> new ShardPartitioner(3, 11).partition(input, 1)).hasMessageContaining("only 10 classes");
        assertThatThrownBy(() -> new ShardPartitioner(3, 2).partition(input, 1)).hasMessageContaining("need clients x classes-per-client >= 10");
        assertThatThrownBy(() -> new ShardPartitioner(2_000, 10).partition(input, 1)).hasMessageContaining("examples for 2000 clients");
    }

    @Test
    void powerLawSizesFollowTheRankSizeLaw() {
        double exponent = 1.3;
        int n = 600_000;
        int[] sizes = new QuantitySkewPartitioner(50, QuantitySkewPartitioner.Law.POWER, exponent, 1).sizes(n, 9);
        assertThat(Arrays.stream(sizes).sum()).isEqualTo(n);
        int[] sorted = Arrays.stream(sizes).map(s -> -s).sorted().map(s -> -s).toArray();
        // share of rank r is r^-exponent / H, H = sum_r r^-exponent; rounding moves each size by < 1 (+1 minimum)
        double h = 0;
        for (int r = 1; r <= 50; r++) {
            h += Math.pow(r, -exponent);
        }
        for (int r = 1; r <= 50; r++) {
            double expected = 1 + (n - 50) * Math.pow(r, -exponent) / h;
            assertThat((double) sorted[r - 1]).isCloseTo(expected, within(1.0));
        }
    }

    @Test
    void dirichletSizesHaveTheDirichletVarianceAndLabelsStayIid() {
        int k = 200;
        double alpha = 0.5;
        int n = 60_000;
        double sumSq = 0;
        int samples = 0;
        for (long seed = 0; seed < 10; seed++) {
            for (int size : new QuantitySkewPartitioner(k, QuantitySkewPartitioner.Law.DIRICHLET, alpha, 1).sizes(n, seed)) {
                double share = (double) size / n;
                sumSq += (share - 1.0 / k) * (share - 1.0 / k);
                samples++;
            }
        }
        double expected = (1.0 / k) * (1 - 1.0 / k) / (k * alpha + 1);
        assertThat(sumSq / samples).isCloseTo(expected, within(0.15 * expected));

        PartitionInput input = Fixtures.balanced(n, 10);
        Partition p = new QuantitySkewPartitioner(20, QuantitySkewPartitioner.Law.DIRICHLET, 1.0, 1).partition(input, 2);
        for (PartitionStats.Client c : PartitionStats.clients(p, input.labels(), 10)) {
            if (c.examples() > 3_000) {
                assertThat(c.tvDistance()).isLessThan(0.05);
            }
        }
    }

    @Test
    void featureShiftKeepsAnIidAssignmentAndGivesEachClientItsOwnShift() {
        PartitionInput input = Fixtures.balanced(1_000, 10);
        Partition shifted = new FeatureShiftPartitioner(10, 0.2, 30, 0.1).partition(input, 8);
        Partition iid = new IidPartitioner(10).partition(input, 8);
        assertThat(shifted.clients()).isDeepEqualTo(iid.clients());
        assertThat(Arrays.stream(shifted.shifts()).map(FeatureShift::rotationDegrees).distinct().count()).isEqualTo(10);
        for (FeatureShift s : shifted.shifts()) {
            assertThat(s.noiseStd()).isBetween(0.0, 0.2);
            assertThat(s.rotationDegrees()).isBetween(-30.0, 30.0);
            assertThat(s.brightness()).isBetween(-0.1, 0.1);
        }
        assertThatThrownBy(() -> new FeatureShiftPartitioner(10, 0, 0, 0)).hasMessageContaining("at least one of --noise");
        assertThatThrownBy(() -> new FeatureShiftPartitioner(10, -1, 0, 0)).hasMessageContaining("--noise -1.0");
    }

    @Test
    void naturalMakesOneClientPerGroupInSortedOrder() {
        String[] groups = {"w3", "w1", "w3", "w2", "w1"};
        PartitionInput input = new PartitionInput(new int[] {0, 1, 0, 1, 0}, 2, groups);
        Partition p = new NaturalPartitioner().partition(input, 0);
        assertThat(p.clients()).isDeepEqualTo(new int[][] {{1, 4}, {3}, {0, 2}});
        assertThat(NaturalPartitioner.groupNames(input)).containsExactly("w1", "w2", "w3");
        assertThatThrownBy(() -> new NaturalPartitioner().partition(new PartitionInput(new int[] {0}, 2), 0))
                .hasMessageContaining("--group-column");
        assertThatThrownBy(() -> new NaturalPartitioner().partition(new PartitionInput(new int[] {0}, 2, new String[] {null}), 0))
                .hasMessageContaining("Example 0 has no value");
    }

    @Test
    void specsRejectUnknownSchemesAndMisplacedParameters() {
        assertThatThrownBy(() -> new PartitionSpec("labelskew", 10, Map.of()).partitioner())
                .hasMessage("Invalid --scheme 'labelskew': expected one of iid, dirichlet, shards, quantity, feature-shift, natural.");
        assertThatThrownBy(() -> new PartitionSpec("iid", 10, Map.of("alpha", "0.1")).partitioner())
                .hasMessage("--alpha does not apply to the iid scheme, which takes no parameters.");
        assertThatThrownBy(() -> new PartitionSpec("dirichlet", 10, Map.of()).partitioner())
                .hasMessage("The dirichlet scheme needs --alpha.");
        assertThatThrownBy(() -> new PartitionSpec("dirichlet", 10, Map.of("alpha", "x")).partitioner())
                .hasMessage("Invalid --alpha 'x': expected a number.");
        assertThatThrownBy(() -> new PartitionSpec("natural", 10, Map.of()).partitioner()).hasMessageContaining("each group is one client");
        assertThatThrownBy(() -> new PartitionSpec("quantity", 10, Map.of("law", "zipf")).partitioner()).hasMessageContaining("--law 'zipf'");
        assertThat(new PartitionSpec("dirichlet", 100, Map.of("alpha", "0.1")).defaultPlanName(42)).isEqualTo("dirichlet-alpha0.1-c100-seed42");
    }

    @Test
    void statsMatchHandComputedDistances() {
        // global: 4 of class 0, 4 of class 1 -> (0.5, 0.5); client 0 holds three 0s and one 1 -> (0.75, 0.25)
        int[] labels = {0, 0, 0, 1, 0, 1, 1, 1};
        Partition p = new Partition("manual", new int[][] {{0, 1, 2, 3}, {4, 5, 6, 7}, {}});
        PartitionStats.Client[] stats = PartitionStats.clients(p, labels, 2);
        assertThat(stats[0].labelCounts()).containsExactly(3, 1);
        assertThat(stats[0].tvDistance()).isCloseTo(0.25, within(1e-12));
        assertThat(stats[0].emd()).isCloseTo(0.5, within(1e-12));
        assertThat(stats[0].entropy()).isCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), within(1e-12));
        assertThat(stats[2].tvDistance()).isNaN();
        PartitionStats.Summary summary = PartitionStats.summary(stats, labels, 2);
        assertThat(summary.emptyClients()).isEqualTo(1);
        assertThat(summary.minSize()).isZero();
        assertThat(summary.maxSize()).isEqualTo(4);
        assertThat(summary.medianSize()).isEqualTo(4.0);
        assertThat(summary.globalEntropy()).isCloseTo(Math.log(2), within(1e-12));
    }
}
