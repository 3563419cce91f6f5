package io.losslake.spark.jobs;

import io.losslake.data.DatasetException;
import io.losslake.data.partition.FeatureShiftPartitioner;
import io.losslake.data.partition.NaturalPartitioner;
import io.losslake.data.partition.Partition;
import io.losslake.data.partition.PartitionInput;
import io.losslake.data.partition.PartitionSpec;
import io.losslake.data.partition.PartitionStats;
import io.losslake.data.partition.Partitioner;
import io.losslake.spark.data.PartitionWriter;
import io.losslake.spark.data.PreparedSource;
import io.losslake.spark.data.SourceReader;
import io.losslake.spark.data.SourceSpec;
import io.losslake.spark.lake.Json;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.runtime.Version;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataset into the {@code examples} table and dealt to clients by a named plan: reads and
 * validates the source, deals its train split, writes the examples (replacing the dataset's), the
 * plan's {@code partitions} rows and its {@code partition_stats}. Re-running with the same inputs and
 * seed leaves the same rows.
 */
public final class PrepareJob {
    private PrepareJob() {
    }

    /** What was written. */
    public record Result(String runId, String partitionId, long examples, PartitionStats.Summary summary) {
    }

    /** Checks a request before Spark starts; one sentence on the first bad option. */
    public static void check(PrepareRequest request) {
        UserErrors.check(request::check);
    }

    public static Result run(Lake lake, PrepareRequest request, PrintWriter out) {
        Instant startedAt = Instant.now();
        check(request);
        SourceSpec source = request.source();
        PartitionSpec partitionSpec = request.partitionSpec();
        Partitioner partitioner = partitionSpec.partitioner();
        String partitionId = request.planName();
        String runId = RunLog.newRunId(startedAt);
        long t0 = System.nanoTime();
        PreparedSource prepared;
        Partition partition;
        try {
            prepared = SourceReader.read(lake.spark(), source, runId);
            if (partitioner instanceof FeatureShiftPartitioner fs && fs.rotates() && !prepared.isImage()) {
                throw new IllegalArgumentException("--rotation needs image features: give --image-shape ROWSxCOLS for a tabular source.");
            }
            partition = partitioner.partition(new PartitionInput(prepared.trainLabels(), prepared.numClasses(), prepared.trainGroups()),
                    request.seed());
        } catch (IllegalArgumentException | DatasetException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        out.printf("losslake prepare: run %s, dataset %s from %s (%s, %d train / %d test, %d classes, shape %s, normalize %s)%n",
                runId, source.dataset(), request.input(), source.format(), prepared.trainCount(), prepared.testCount(), prepared.numClasses(),
                shapeText(prepared.shape()), prepared.normalize());
        out.printf("plan %s: %s into %d clients, dealt in %.1f s%n", partitionId, partitionSpec.scheme(), partition.numClients(), seconds(t0));
        out.flush();

        RunLog.Start start = new RunLog.Start(runId, "prepare", request.seed(), source.dataset(), Json.of(request.toConfig()), startedAt);
        Result result = new RunLog(lake).record(start, false, Version.current(), () -> {
            long t1 = System.nanoTime();
            lake.replacePartition(Tables.EXAMPLES, "dataset", source.dataset(), prepared.examples());
            long rows = prepared.trainCount() + prepared.testCount();
            out.printf("examples: %,d rows of %s written in %.1f s (%,.0f rows/s)%n", rows, source.dataset(), seconds(t1),
                    rows / Math.max(1e-9, seconds(t1)));
            out.flush();
            long t2 = System.nanoTime();
            List<String> groups = partitioner instanceof NaturalPartitioner
                    ? NaturalPartitioner.groupNames(new PartitionInput(prepared.trainLabels(), prepared.numClasses(), prepared.trainGroups()))
                    : null;
            PartitionStats.Summary summary = PartitionWriter.write(lake,
                    new PartitionWriter.Plan(partitionId, prepared, partitionSpec, request.seed(), partition, groups), runId);
            out.printf("partitions and partition_stats: %,d assignments written in %.1f s%n", partition.totalExamples(), seconds(t2));
            printSummary(out, partitionId, summary);
            return new Result(runId, partitionId, rows, summary);
        }, r -> {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("partition_id", r.partitionId());
            figures.put("examples", r.examples());
            figures.put("clients", r.summary().clients());
            figures.put("mean_tv_distance", r.summary().meanTvDistance());
            return RunLog.Ending.succeeded(figures);
        });
        out.printf("done in %.1f s; tables: %s, %s, %s%n", RunLog.secondsSince(startedAt), lake.path(Tables.EXAMPLES), lake.path(Tables.PARTITIONS),
                lake.path(Tables.PARTITION_STATS));
        out.flush();
        return result;
    }

    /** A plan's sizes and label skew in two lines. */
    public static void printSummary(PrintWriter out, String plan, PartitionStats.Summary s) {
        out.printf("plan %s: %d clients, %,d examples; sizes min %d / median %.0f / max %d (mean %.1f, std %.1f)%s%n",
                plan, s.clients(), s.examples(), s.minSize(), s.medianSize(), s.maxSize(), s.meanSize(), s.sizeStd(),
                s.emptyClients() > 0 ? ", " + s.emptyClients() + " empty" : "");
        out.printf("  label skew: mean TV %.3f (max %.3f), mean EMD %.3f, mean entropy %.3f nats of %.3f, %.2f classes per client%n",
                s.meanTvDistance(), s.maxTvDistance(), s.meanEmd(), s.meanEntropy(), s.globalEntropy(), s.meanLabelsPresent());
        out.flush();
    }

    private static String shapeText(int[] shape) {
        return shape.length == 2 ? shape[0] + "x" + shape[1] : Integer.toString(shape[0]);
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}
