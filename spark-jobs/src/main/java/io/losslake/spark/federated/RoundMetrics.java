package io.losslake.spark.federated;

import io.losslake.federated.Evaluation;
import io.losslake.federated.LossDecomposition;
import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One row of {@code round_metrics}.
 *
 * @param test          the global model on the test split, or null when not evaluated this round
 * @param decomposition FedLD's loss terms, or null when not recorded this round
 */
public record RoundMetrics(String runId, int round, Evaluation test, double meanClientTrainLoss, double[] clientLossPercentiles,
                           int clients, int sampled, int dropped, int straggling, int rejected, long examplesTrained,
                           double trainFlops, double wallSeconds, double clientComputeSeconds, double trainingSeconds,
                           LossDecomposition decomposition, double meanPersonalAccuracy, double meanGlobalHoldoutAccuracy,
                           Instant recordedAt) {

    public double testAccuracy() {
        return test == null ? Double.NaN : test.accuracy();
    }

    public double testLoss() {
        return test == null ? Double.NaN : test.loss();
    }

    /** The row in {@link io.losslake.spark.lake.Tables#ROUND_METRICS_SCHEMA}'s column order. */
    public Row toRow() {
        Double[] perClass = null;
        if (test != null) {
            perClass = new Double[test.perClassTotal().length];
            for (int c = 0; c < perClass.length; c++) {
                perClass[c] = nan(test.classAccuracy(c));
            }
        }
        return RowFactory.create(runId, round, test == null ? null : test.loss(), test == null ? null : test.accuracy(), perClass,
                nan(meanClientTrainLoss), nan(clientLossPercentiles[0]), nan(clientLossPercentiles[1]), nan(clientLossPercentiles[2]),
                clients, sampled, dropped, straggling, rejected, examplesTrained, trainFlops, wallSeconds, clientComputeSeconds,
                trainingSeconds, wallSeconds - trainingSeconds,
                decomposition == null ? null : decomposition.local(), decomposition == null ? null : decomposition.shift(),
                decomposition == null ? null : decomposition.aggregation(), decomposition == null ? null : decomposition.global(),
                nan(meanPersonalAccuracy), nan(meanGlobalHoldoutAccuracy), Timestamp.from(recordedAt));
    }

    private static Double nan(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
