package io.losslake.spark.federated;

import io.losslake.federated.Evaluation;
import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** One row of {@code round_metrics}. */
public record RoundMetrics(String runId, int round, Evaluation test, double meanClientTrainLoss, int clients,
                           long examplesTrained, double trainFlops, double wallSeconds, double clientComputeSeconds,
                           Instant recordedAt) {

    /** The row in {@link io.losslake.spark.lake.Tables#ROUND_METRICS_SCHEMA}'s column order. */
    public Row toRow() {
        return RowFactory.create(runId, round, test.loss(), test.accuracy(), meanClientTrainLoss, clients, examplesTrained,
                trainFlops, wallSeconds, clientComputeSeconds, Timestamp.from(recordedAt));
    }
}
