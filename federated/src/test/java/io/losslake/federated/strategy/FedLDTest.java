package io.losslake.federated.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.losslake.federated.ClientUpdate;
import io.losslake.federated.ParamLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

class FedLDTest {
    private static double[][] randomDeltas(int m, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] g = new double[m][d];
        for (int i = 0; i < m; i++) {
            for (int t = 0; t < d; t++) {
                // a shared direction plus client noise, like real deltas
                g[i][t] = Math.sin(t) * 0.5 + (r.nextDouble() - 0.5);
            }
        }
        return g;
    }

    /** The same rebuild computed from commons-math's eigen-decomposition, written from the formula. */
    private static double[] expected(double[][] g, double kProportion) {
        int m = g.length;
        int d = g[0].length;
        RealMatrix big = new Array2DRowRealMatrix(g);
        RealMatrix gram = big.multiply(big.transpose()).scalarMultiply(1.0 / m);
        EigenDecomposition eig = new EigenDecomposition(gram);
        double[] s = eig.getRealEigenvalues(); // commons-math sorts descending
        double total = 0;
        for (double v : s) {
            total += v;
        }
        int k = (int) Math.floor(m * kProportion);
        double[] out = new double[d];
        for (int i = 0; i < m; i++) {
            RealVector gi = big.getRowVector(i);
            for (int j = 0; j < k; j++) {
                RealVector w = big.transpose().operate(eig.getEigenvector(j));
                double sign = Math.signum(gi.dotProduct(w));
                RealVector r = w.mapMultiply(sign * gi.getNorm() * s[j] / total / w.getNorm());
                for (int t = 0; t < d; t++) {
                    out[t] += r.getEntry(t) / m;
                }
            }
        }
        return out;
    }

    @Test
    void principalStepMatchesAnIndependentEigenDecomposition() {
        for (int[] shape : new int[][] {{5, 40}, {8, 3}, {3, 100}}) {
            double[][] g = randomDeltas(shape[0], shape[1], shape[0] * 31L + shape[1]);
            double[] ours = FedLD.principalStep(g, 0.8);
            double[] theirs = expected(g, 0.8);
            for (int t = 0; t < ours.length; t++) {
                assertThat(ours[t]).isCloseTo(theirs[t], within(1e-9));
            }
        }
    }

    @Test
    void flippingADirectionCannotChangeTheRebuild() {
        // sign(g . w) w is invariant under w -> -w: a rebuild from -G^T e equals one from G^T e.
        double[][] g = randomDeltas(6, 20, 3);
        double[] a = FedLD.principalStep(g, 1.0);
        double[][] negated = new double[6][20];
        for (int i = 0; i < 6; i++) {
            for (int t = 0; t < 20; t++) {
                negated[i][t] = -g[i][t];
            }
        }
        double[] b = FedLD.principalStep(negated, 1.0);
        for (int t = 0; t < 20; t++) {
            assertThat(b[t]).isCloseTo(-a[t], within(1e-12));
        }
    }

    @Test
    void guardsTheReferenceCodesDivisionsByZero() {
        double[][] zeros = new double[4][10];
        assertThat(FedLD.principalStep(zeros, 0.8)).containsOnly(0.0);
        // identical deltas: rank one, the other eigenvalues are (numerically) zero and skipped
        double[][] same = new double[4][10];
        for (double[] row : same) {
            java.util.Arrays.fill(row, 0.25);
        }
        double[] step = FedLD.principalStep(same, 0.8);
        assertThat(java.util.Arrays.stream(step).allMatch(Double::isFinite)).isTrue();
        // with one direction holding all the variance, each client rebuilds to itself: the mean
        assertThat(step[0]).isCloseTo(0.25, within(1e-12));
        // a client with a zero delta adds nothing and breaks nothing
        double[][] withZero = randomDeltas(4, 12, 5);
        java.util.Arrays.fill(withZero[2], 0);
        assertThat(java.util.Arrays.stream(FedLD.principalStep(withZero, 0.8)).allMatch(Double::isFinite)).isTrue();
        // one client, or a one-element tensor: the plain mean
        assertThat(FedLD.principalStep(new double[][] {{1, 2, 3}}, 0.8)).containsExactly(1, 2, 3);
        assertThat(FedLD.principalStep(new double[][] {{1}, {3}}, 0.8)).containsExactly(2);
    }

    @Test
    void aggregatesPerTensorWithThePlainMeanInTheFirstRoundAndWorksWithAnyNumberOfClients() {
        ParamLayout layout = new ParamLayout(List.of(new ParamLayout.Tensor("0_W", 0, 0, 6), new ParamLayout.Tensor("0_b", 0, 6, 2)));
        FedLD fedld = new FedLD(layout, 0.8, 0.1, true);
        float[] global = new float[8];
        List<ClientUpdate> updates = new ArrayList<>();
        double[][] g = randomDeltas(3, 8, 9); // 3 of, say, 20 clients reported
        for (int i = 0; i < 3; i++) {
            float[] w = new float[8];
            for (int t = 0; t < 8; t++) {
                w[t] = (float) g[i][t];
            }
            updates.add(new ClientUpdate(i * 7, w, 10 + i, 1, 0, 0));
        }
        AggregationStrategy.Result first = fedld.aggregate(1, global, updates, List.of(), ServerState.EMPTY);
        for (int t = 0; t < 8; t++) {
            assertThat(first.weights()[t]).isCloseTo((float) ((updates.get(0).weights()[t] + updates.get(1).weights()[t]
                    + updates.get(2).weights()[t]) / 3.0), within(1e-6f));
        }
        AggregationStrategy.Result second = fedld.aggregate(2, global, updates, List.of(), first.state());
        double[][] weightDeltas = new double[3][6];
        for (int i = 0; i < 3; i++) {
            for (int t = 0; t < 6; t++) {
                weightDeltas[i][t] = updates.get(i).weights()[t];
            }
        }
        double[] expectedW = expected(weightDeltas, 0.8);
        for (int t = 0; t < 6; t++) {
            assertThat((double) second.weights()[t]).isCloseTo(expectedW[t], within(1e-6));
        }
        assertThat(second.state().scalars()).containsEntry(FedLD.ROUNDS_SEEN, 2.0);
        assertThat(Strategies.create("fedld", Map.of("k-proportion", "0.5"), new Strategies.Context(20, layout)).name()).isEqualTo("fedld");
        // the ablation without principal gradients: the uniform mean in every round, the margin loss kept
        AggregationStrategy meanOnly = Strategies.create("fedld", Map.of("aggregation", "mean"), new Strategies.Context(20, layout));
        AggregationStrategy.Result again = meanOnly.aggregate(2, global, updates, List.of(), first.state());
        assertThat(again.weights()).containsExactly(first.weights());
        assertThat(meanOnly.clientProgram(2, first.state()).loss().marginLambda()).isEqualTo(0.1);
    }
}
