package io.losslake.spark.data;

import static org.apache.spark.sql.functions.col;

import io.losslake.data.DenseClientData;
import io.losslake.data.partition.FeatureShift;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.Tuple2;

/**
 * A partition plan's clients, read from the lake as {@link DenseClientData}: each client's
 * examples in one contiguous float array. The join of {@code partitions} and {@code examples} is
 * clustered by client; each Spark partition then walks its rows once,
 * copying every feature vector straight out of Spark's binary row format (no per-value boxing)
 * into the client's buffer, and applies the client's feature shift if the plan has one.
 */
public final class ClientDatasets {
    private ClientDatasets() {
    }

    /** What a plan is: its dataset, shape, classes and clients. */
    public record PlanInfo(String partitionId, String dataset, int numClients, int numClasses, int[] shape, Map<Integer, FeatureShift> shifts)
            implements java.io.Serializable {
    }

    public static PlanInfo describe(Lake lake, String partitionId) {
        if (!lake.exists(Tables.PARTITION_STATS) || !lake.exists(Tables.EXAMPLES)) {
            throw new UserInputException("The lake " + lake.root() + " has no partition plans yet; run 'losslake prepare' first.");
        }
        List<Row> stats = lake.read(Tables.PARTITION_STATS).where(col("partition_id").equalTo(partitionId))
                .select("row_kind", "client_id", "dataset", "label_counts", "clients", "noise_std", "rotation_degrees", "brightness", "shift_seed")
                .collectAsList();
        Row summary = stats.stream().filter(r -> "summary".equals(r.getString(0))).findFirst().orElseThrow(() -> new UserInputException(
                "The lake " + lake.root() + " has no partition plan '" + partitionId + "'; 'losslake partitions list' shows those it has."));
        String dataset = summary.getString(2);
        Map<Integer, FeatureShift> shifts = new HashMap<>();
        for (Row r : stats) {
            if ("client".equals(r.getString(0)) && !r.isNullAt(5)) {
                shifts.put(r.getInt(1), new FeatureShift(r.getDouble(5), r.getDouble(6), r.getDouble(7), r.getLong(8)));
            }
        }
        Row example = lake.read(Tables.EXAMPLES).where(col("dataset").equalTo(dataset)).select("shape").first();
        int[] shape = example.getList(0).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
        return new PlanInfo(partitionId, dataset, summary.getInt(4), summary.getList(3).size(), shape, shifts);
    }

    /**
     * The number of classes {@code dataset} was prepared with (its declared {@code --classes}, or
     * max label + 1): the length of the label histogram of the latest plan prepared on it, since
     * every prepare writes the dataset together with a plan.
     *
     * @throws UserInputException when the lake holds no such dataset
     */
    public static int declaredClasses(Lake lake, String dataset) {
        if (!lake.exists(Tables.PARTITION_STATS)) {
            throw new UserInputException("The lake " + lake.root() + " has no dataset '" + dataset + "'; run 'losslake prepare' first.");
        }
        List<Row> latest = lake.read(Tables.PARTITION_STATS).where(col("dataset").equalTo(dataset).and(col("row_kind").equalTo("summary")))
                .orderBy(col("run_id").desc()).select("label_counts").limit(1).collectAsList();
        if (latest.isEmpty()) {
            throw new UserInputException("The lake " + lake.root() + " has no dataset '" + dataset + "'; run 'losslake prepare' first.");
        }
        return latest.get(0).getList(0).size();
    }

    /**
     * The plan's clients as an RDD of {@code slices} Spark partitions, each holding whole clients
     * (client {@code c} of n lives in slice {@code floor(c * slices / n)}), in client id order within a slice,
     * each client's examples in ascending id order.
     */
    public static JavaRDD<DenseClientData> load(Lake lake, PlanInfo plan, int slices) {
        Dataset<Row> assignments = lake.read(Tables.PARTITIONS).where(col("partition_id").equalTo(plan.partitionId()))
                .select("client_id", "example_id");
        Dataset<Row> examples = lake.read(Tables.EXAMPLES)
                .where(col("dataset").equalTo(plan.dataset()).and(col("split").equalTo("train")))
                .select("example_id", "label", "features");
        Dataset<Row> joined = assignments.join(examples, "example_id").select("client_id", "example_id", "label", "features");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
        Broadcast<PlanInfo> info = jsc.broadcast(plan);
        // client c goes to slice c * slices / clients: with as many slices as clients, each its own
        // (a hash of the id, as Dataset.repartition uses, puts ~37% of 100 clients in shared
        // partitions), with fewer, runs of consecutive ids (a round's tasks take consecutive clients)
        return joined.queryExecution().toRdd().toJavaRDD()
                .mapToPair(r -> new Tuple2<>(r.getInt(0), r.copy()))
                .partitionBy(new BySlice(slices, plan.numClients()))
                .values()
                .mapPartitions(new Assemble(info));
    }

    /**
     * Examples of one split of {@code dataset} as a single {@link DenseClientData} on the driver
     * (client id -1): all of them, or a seeded sample of {@code limit} when there are more.
     */
    public static DenseClientData loadSplit(Lake lake, String dataset, String split, int[] shape, int numClasses, int limit, long seed) {
        Dataset<Row> rows = lake.read(Tables.EXAMPLES).where(col("dataset").equalTo(dataset).and(col("split").equalTo(split)));
        if (limit > 0) {
            List<Long> ids = rows.select("example_id").as(org.apache.spark.sql.Encoders.LONG()).collectAsList();
            if (ids.size() > limit) {
                long[] all = ids.stream().mapToLong(Long::longValue).sorted().toArray();
                int[] order = new int[all.length];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                io.losslake.data.Seeds.shuffle(order, seed);
                Object[] chosen = new Object[limit];
                for (int i = 0; i < limit; i++) {
                    chosen[i] = all[order[i]];
                }
                rows = rows.where(col("example_id").isin(chosen));
            }
        }
        JavaRDD<Object[]> triples = rows.select("example_id", "label", "features").queryExecution().toRdd().toJavaRDD()
                .map(r -> new Object[] {r.getLong(0), r.getInt(1), r.getArray(2).toFloatArray()});
        List<Object[]> collected = new ArrayList<>(triples.collect());
        collected.sort((a, b) -> Long.compare((Long) a[0], (Long) b[0]));
        int d = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        long[] exampleIds = new long[collected.size()];
        int[] labels = new int[collected.size()];
        float[] features = new float[collected.size() * d];
        for (int i = 0; i < exampleIds.length; i++) {
            Object[] t = collected.get(i);
            exampleIds[i] = (Long) t[0];
            labels[i] = (Integer) t[1];
            System.arraycopy((float[]) t[2], 0, features, i * d, d);
        }
        return new DenseClientData(-1, exampleIds, features, labels, shape, numClasses);
    }

    /** Client c of n to slice floor(c * slices / n): consecutive clients together, one each when slices = n. */
    private static final class BySlice extends org.apache.spark.Partitioner {
        private final int slices;
        private final int clients;

        BySlice(int slices, int clients) {
            this.slices = slices;
            this.clients = Math.max(1, clients);
        }

        @Override
        public int numPartitions() {
            return slices;
        }

        @Override
        public int getPartition(Object key) {
            long c = Math.floorMod((Integer) key, clients);
            return (int) (c * slices / clients);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof BySlice b && b.slices == slices && b.clients == clients;
        }

        @Override
        public int hashCode() {
            return 31 * slices + clients;
        }
    }

    /** Gathers each client's rows of one Spark partition into its buffer, then orders them by example id. */
    private static final class Assemble implements FlatMapFunction<Iterator<InternalRow>, DenseClientData> {
        private final Broadcast<PlanInfo> plan;

        Assemble(Broadcast<PlanInfo> plan) {
            this.plan = plan;
        }

        @Override
        public Iterator<DenseClientData> call(Iterator<InternalRow> rows) {
            PlanInfo info = plan.value();
            int[] shape = info.shape();
            int d = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            Map<Integer, Builder> clients = new HashMap<>();
            float[] scratch = new float[d];
            while (rows.hasNext()) {
                InternalRow row = rows.next();
                int client = row.getInt(0);
                long exampleId = row.getLong(1);
                int label = row.getInt(2);
                float[] values = row.getArray(3).toFloatArray();
                FeatureShift shift = info.shifts().get(client);
                if (shift != null) {
                    shift.apply(values, 0, shape.length == 2 ? shape[0] : 1, shape.length == 2 ? shape[1] : d, exampleId, scratch, 0);
                    values = scratch;
                }
                clients.computeIfAbsent(client, c -> new Builder(c, d)).add(exampleId, label, values);
            }
            List<DenseClientData> out = new ArrayList<>(clients.size());
            clients.keySet().stream().sorted().forEach(c -> out.add(clients.get(c).build(shape, info.numClasses())));
            return out.iterator();
        }
    }

    /** A growing client: amortised doubling of one float array. */
    private static final class Builder {
        final int clientId;
        final int d;
        float[] features;
        long[] ids = new long[16];
        int[] labels = new int[16];
        int n;

        Builder(int clientId, int d) {
            this.clientId = clientId;
            this.d = d;
            this.features = new float[16 * d];
        }

        void add(long id, int label, float[] values) {
            if (n == ids.length) {
                ids = Arrays.copyOf(ids, n * 2);
                labels = Arrays.copyOf(labels, n * 2);
                features = Arrays.copyOf(features, n * 2 * d);
            }
            ids[n] = id;
            labels[n] = label;
            System.arraycopy(values, 0, features, n * d, d);
            n++;
        }

        /** The client with its examples in ascending id order, whatever order the rows came in. */
        DenseClientData build(int[] shape, int classes) {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(ids[a], ids[b]));
            long[] sortedIds = new long[n];
            int[] sortedLabels = new int[n];
            float[] sortedFeatures = new float[n * d];
            for (int i = 0; i < n; i++) {
                int from = order[i];
                sortedIds[i] = ids[from];
                sortedLabels[i] = labels[from];
                System.arraycopy(features, from * d, sortedFeatures, i * d, d);
            }
            return new DenseClientData(clientId, sortedIds, sortedFeatures, sortedLabels, shape, classes);
        }
    }
}
