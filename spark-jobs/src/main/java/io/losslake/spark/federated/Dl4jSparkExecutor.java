package io.losslake.spark.federated;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.LocalTrainer;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.Streams;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.simulation.ClientExecutor;
import io.losslake.federated.simulation.RoundPlan;
import io.losslake.federated.simulation.RunSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * FedAvg rounds through DL4J's own Spark training ({@code --engine dl4j-spark}), an executor that
 * returns one averaged model instead of one per client: the sampled
 * clients' local work becomes an RDD of minibatches with one partition per client (the same
 * batches, in the same seeded order, as losslake's engine cuts), and dl4j-spark's
 * ParameterAveragingTrainingMaster trains one worker per partition from the global weights and
 * averages the workers' parameters.
 *
 * <p>Set up so that one {@code fit} is one federated round: data is never repartitioned, the
 * averaging frequency covers every batch of the busiest worker (a single split, no random
 * splitting), the updater state is not averaged (each worker's optimiser starts fresh, as in
 * FedAvg) and nothing is prefetched. DL4J's average is the plain mean over workers; with clients of
 * equal size (IID plans) that is FedAvg's example-weighted mean. DL4J's workers re-batch their
 * partition to the configured batch size, so an epoch whose last batch is short merges it with the
 * next epoch's first: exact agreement with {@code --engine losslake --trainer dl4j} needs client
 * sizes divisible by the batch size (the tests use such plans); otherwise the two agree
 * statistically.
 */
public final class Dl4jSparkExecutor implements ClientExecutor {
    private final JavaSparkContext jsc;
    private final ClientSource clients;
    private final MultiLayerNetwork net;
    private final LocalTraining local;
    private final long seed;

    public Dl4jSparkExecutor(JavaSparkContext jsc, ClientSource clients, ModelSpec model, RunSettings settings) {
        refuseUnsupported(settings);
        this.jsc = jsc;
        this.clients = clients;
        this.local = settings.local();
        this.seed = settings.seed();
        this.net = ModelFactory.withWeights(model, local.optimizer(), new float[(int) model.parameterCount()], LossSpec.CROSS_ENTROPY);
    }

    /**
     * Fails with one sentence if {@code settings} ask for more than plain FedAvg through DL4J's
     * parameter averaging: local epochs, every sampled client reporting, DL4J optimisers, no loss
     * decomposition, no personal layers or hold-out.
     */
    public static void refuseUnsupported(RunSettings settings) {
        LocalTraining local = settings.local();
        String unsupported = !"fedavg".equals(settings.strategy()) ? "--strategy " + settings.strategy()
                : settings.dropout() > 0 || settings.straggle() > 0 ? "--dropout/--straggle"
                : settings.layers().isPersonalised() ? "--personal-layers"
                : settings.barriers().every() > 0 || settings.barriers().policy() ? "--barriers-every or --layer-policy auto-barrier"
                : settings.decomposeEvery() > 0 ? "--decompose-every " + settings.decomposeEvery()
                : settings.holdout() > 0 ? "--holdout " + settings.holdout()
                : local.steps() > 0 ? "--local-steps " + local.steps()
                : !local.optimizer().dl4jTrainable() ? "--optimizer " + local.optimizer().name()
                : null;
        if (unsupported != null) {
            throw new IllegalArgumentException("--engine dl4j-spark runs plain FedAvg through DL4J's parameter averaging (local epochs, "
                    + "every sampled client reporting, DL4J optimisers, no loss decomposition): it cannot take " + unsupported + ".");
        }
    }

    private ParameterAveragingTrainingMaster master(int workers, int batchesPerWorker) {
        return new ParameterAveragingTrainingMaster.Builder(workers, local.batchSize())
                .batchSizePerWorker(local.batchSize())
                .averagingFrequency(Math.max(1, batchesPerWorker))
                .workerPrefetchNumBatches(0)
                .saveUpdater(false)
                .repartionData(Repartition.Never)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .collectTrainingStats(false)
                .storageLevel(StorageLevel.MEMORY_ONLY()) // the level train() caches the batches at; DL4J persists them again
                .rngSeed(seed)
                .build();
    }

    /**
     * Trains the plan's dispatched clients from its global weights and returns DL4J's average of
     * their models.
     */
    @Override
    public Trained train(RoundPlan plan) {
        int[] ids = plan.dispatched();
        int round = plan.round();
        float[] global = plan.input().global();
        Set<Integer> wanted = new java.util.HashSet<>();
        for (int id : ids) {
            wanted.add(id);
        }
        JavaRDD<ClientData> clients = this.clients.prune(ids);
        // one partition per client, in client order: DL4J runs one worker per partition
        JavaRDD<ClientData> perClient = clients.filter(c -> wanted.contains(c.clientId()))
                .mapToPair(c -> new Tuple2<>(c.clientId(), c)).partitionBy(new OnePerClient(ids)).values();
        JavaRDD<DataSet> batches = perClient.mapPartitions(new ClientBatches(local, seed, round, wanted), true).cache();
        try {
            // one pass: per partition (client), its batches and examples
            List<long[]> counts = batches.mapPartitions(new CountBatches()).collect();
            long total = counts.stream().mapToLong(c -> c[0]).sum();
            long busiest = counts.stream().mapToLong(c -> c[0]).max().orElse(0);
            long examples = counts.stream().mapToLong(c -> c[1]).sum();
            if (counts.size() != ids.length) {
                throw new IllegalStateException("dl4j-spark needs one Spark partition per sampled client; got " + counts.size()
                        + " partitions for " + ids.length + " clients");
            }
            net.setParams(Nd4j.createFromArray(global).reshape(1, global.length));
            SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(jsc, net, master(ids.length, (int) Math.min(Integer.MAX_VALUE, busiest)));
            MultiLayerNetwork trained = spark.fit(batches);
            return Trained.averaged(trained.params().dup().toFloatVector(), examples);
        } finally {
            batches.unpersist(false);
        }
    }

    /** A partition's clients, as their local work's minibatches in training order. */
    private static final class ClientBatches implements FlatMapFunction<Iterator<ClientData>, DataSet> {
        private final LocalTraining local;
        private final long seed;
        private final int round;
        private final Set<Integer> dispatched;

        ClientBatches(LocalTraining local, long seed, int round, Set<Integer> dispatched) {
            this.local = local;
            this.seed = seed;
            this.round = round;
            this.dispatched = dispatched;
        }

        @Override
        public Iterator<DataSet> call(Iterator<ClientData> it) {
            List<DataSet> out = new ArrayList<>();
            while (it.hasNext()) {
                ClientData client = it.next();
                if (dispatched.contains(client.clientId())) {
                    out.addAll(LocalTrainer.plannedBatches(client, local, Seeds.derive(seed, Streams.LOCAL_TRAINING, round, client.clientId())));
                }
            }
            return out.iterator();
        }
    }

    /** Sends client {@code ids[i]} to partition i. */
    private static final class OnePerClient extends Partitioner {
        private final int[] ids;

        OnePerClient(int[] ids) {
            this.ids = ids;
        }

        @Override
        public int numPartitions() {
            return ids.length;
        }

        @Override
        public int getPartition(Object key) {
            return Arrays.binarySearch(ids, (Integer) key);
        }
    }

    /** Each partition's number of minibatches and of examples. */
    private static final class CountBatches implements FlatMapFunction<Iterator<DataSet>, long[]> {
        @Override
        public Iterator<long[]> call(Iterator<DataSet> it) {
            long batches = 0;
            long examples = 0;
            while (it.hasNext()) {
                examples += it.next().numExamples();
                batches++;
            }
            return List.<long[]>of(new long[] {batches, examples}).iterator();
        }
    }
}
