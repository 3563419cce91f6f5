package io.losslake.spark.federated;

import static io.losslake.spark.lake.Rows.nullable;

import io.losslake.federated.ClientUpdate;
import io.losslake.federated.barrier.Barriers;
import io.losslake.federated.simulation.ClientReport;
import io.losslake.federated.simulation.RoundMetrics;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** A round's figures as rows of {@code round_metrics}, {@code client_metrics} and {@code barriers}, in their schemas' column order. */
public final class LakeRows {
    private LakeRows() {
    }

    /** The {@code round_metrics} row. */
    static Row round(RoundMetrics m) {
        Double[] perClass = null;
        if (m.test() != null) {
            perClass = new Double[m.test().perClassTotal().length];
            for (int c = 0; c < perClass.length; c++) {
                perClass[c] = nullable(m.test().classAccuracy(c));
            }
        }
        double[] p = m.clientLossPercentiles();
        var d = m.decomposition();
        return RowFactory.create(m.runId(), m.round(), m.test() == null ? null : nullable(m.test().loss()),
                m.test() == null ? null : nullable(m.test().accuracy()), perClass,
                nullable(m.meanClientTrainLoss()), nullable(p[0]), nullable(p[1]), nullable(p[2]),
                m.clients(), m.sampled(), m.dropped(), m.straggling(), m.rejected(), m.examplesTrained(), m.trainFlops(), m.wallSeconds(),
                nullable(m.clientComputeSeconds()), m.trainingSeconds(), m.wallSeconds() - m.trainingSeconds(),
                d == null ? null : nullable(d.local()), d == null ? null : nullable(d.shift()), d == null ? null : nullable(d.aggregation()),
                d == null ? null : nullable(d.global()),
                nullable(m.meanPersonalAccuracy()), nullable(m.meanGlobalHoldoutAccuracy()), m.uploadedFloats(), m.downloadedFloats(),
                m.syntheticFloats(), Timestamp.from(m.recordedAt()));
    }

    /** The {@code client_metrics} row of one sampled client. */
    static Row client(String runId, int round, ClientReport c) {
        ClientUpdate u = c.update();
        if (u == null) {
            return RowFactory.create(runId, round, c.clientId(), c.status(), null, 0L, 0L, null, 0.0, null, null, null, null, null,
                    Timestamp.from(Instant.now()));
        }
        ClientUpdate.ClientMetrics m = u.metrics();
        return RowFactory.create(runId, round, u.clientId(), c.status(), u.numExamples(), u.stepsTaken(), u.examplesProcessed(),
                nullable(u.trainLoss()), u.computeNanos() / 1e9, nullable(c.updateNorm()), nullable(m.localLoss()), nullable(m.sampleLoss()),
                nullable(m.personalAccuracy()), nullable(m.globalHoldoutAccuracy()), Timestamp.from(Instant.now()));
    }

    /** The {@code barriers} rows of one pair of models. */
    public static List<Row> barriers(String runId, String modelRunId, int round, String pair, String evalSet, int examples, Barriers.Report report) {
        Barriers.Endpoints e = report.endpoints();
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        for (Barriers.Result b : report.results()) {
            rows.add(RowFactory.create(runId, modelRunId, round, pair, evalSet, examples, b.kind(), b.variant(), b.block() < 0 ? null : b.block(),
                    b.blockName(), b.blocks(), boxed(b.grid().alphas()), nullable(b.lossBarrier()), nullable(b.lossAlpha()), nullable(b.errorBarrier()),
                    nullable(b.errorAlpha()), boxed(b.pathLoss()), boxed(b.pathError()), nullable(e.lossFirst()), nullable(e.lossSecond()),
                    nullable(e.errorFirst()), nullable(e.errorSecond()), now));
        }
        return rows;
    }

    private static Double[] boxed(double[] values) {
        Double[] out = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = nullable(values[i]);
        }
        return out;
    }
}
