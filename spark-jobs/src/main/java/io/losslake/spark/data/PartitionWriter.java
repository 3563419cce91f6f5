package io.losslake.spark.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.losslake.data.partition.FeatureShift;
import io.losslake.data.partition.Partition;
import io.losslake.data.partition.PartitionSpec;
import io.losslake.data.partition.PartitionStats;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Lands a partition plan and its statistics in the lake, replacing any earlier plan of the same name. */
public final class PartitionWriter {
    private PartitionWriter() {
    }

    /** The plan, ready to write. */
    public record Plan(String partitionId, PreparedSource source, PartitionSpec spec, long seed, Partition partition,
                       List<String> groupNames) {
    }

    public static PartitionStats.Summary write(Lake lake, Plan plan, String runId) {
        PreparedSource source = plan.source();
        Partition partition = plan.partition();
        List<Row> rows = new ArrayList<>((int) partition.totalExamples());
        for (int c = 0; c < partition.numClients(); c++) {
            for (int index : partition.examples(c)) {
                rows.add(RowFactory.create(plan.partitionId(), source.dataset(), c, source.trainIds()[index], runId));
            }
        }
        // parallelised so no single task carries every assignment
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
        int slices = Math.max(1, Math.min(64, rows.size() / 20_000 + 1));
        lake.replacePartition(Tables.PARTITIONS, "partition_id", plan.partitionId(),
                lake.spark().createDataFrame(jsc.parallelize(rows, slices), Tables.PARTITIONS_SCHEMA));

        PartitionStats.Client[] clients = PartitionStats.clients(partition, source.trainLabels(), source.numClasses());
        PartitionStats.Summary summary = PartitionStats.summary(clients, source.trainLabels(), source.numClasses());
        String params = json(plan.spec().asMap());
        List<Row> stats = new ArrayList<>(clients.length + 1);
        for (PartitionStats.Client c : clients) {
            FeatureShift shift = partition.shift(c.clientId());
            stats.add(RowFactory.create(plan.partitionId(), source.dataset(), "client", c.clientId(), (long) c.examples(),
                    c.labelCounts(), c.labelsPresent(), io.losslake.spark.lake.Rows.nullable(c.tvDistance()), io.losslake.spark.lake.Rows.nullable(c.emd()), io.losslake.spark.lake.Rows.nullable(c.entropy()),
                    plan.groupNames() == null ? null : plan.groupNames().get(c.clientId()),
                    shift == null ? null : shift.noiseStd(), shift == null ? null : shift.rotationDegrees(),
                    shift == null ? null : shift.brightness(), shift == null ? null : shift.noiseSeed(),
                    plan.spec().scheme(), params, plan.seed(),
                    null, null, null, null, null, null, null, null, null, null, runId));
        }
        stats.add(RowFactory.create(plan.partitionId(), source.dataset(), "summary", null, summary.examples(),
                summary.labelCounts(), (int) Arrays.stream(summary.labelCounts()).filter(k -> k > 0).count(),
                io.losslake.spark.lake.Rows.nullable(summary.meanTvDistance()), io.losslake.spark.lake.Rows.nullable(summary.meanEmd()), io.losslake.spark.lake.Rows.nullable(summary.meanEntropy()),
                null, null, null, null, null, plan.spec().scheme(), params, plan.seed(),
                summary.clients(), summary.emptyClients(), summary.minSize(), summary.medianSize(), summary.maxSize(),
                summary.meanSize(), summary.sizeStd(), summary.maxTvDistance(), summary.globalEntropy(),
                io.losslake.spark.lake.Rows.nullable(summary.meanLabelsPresent()), runId));
        lake.replacePartition(Tables.PARTITION_STATS, "partition_id", plan.partitionId(),
                lake.spark().createDataFrame(stats, Tables.PARTITION_STATS_SCHEMA));
        return summary;
    }


    static String json(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
