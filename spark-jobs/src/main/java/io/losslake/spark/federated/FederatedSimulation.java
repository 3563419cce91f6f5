package io.losslake.spark.federated;

import io.losslake.data.LabeledImages;
import io.losslake.data.Seeds;
import io.losslake.data.TrainTest;
import io.losslake.data.partition.Partition;
import io.losslake.federated.ClientUpdate;
import io.losslake.federated.Evaluation;
import io.losslake.federated.Evaluator;
import io.losslake.federated.FederatedConfig;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.strategy.AggregationStrategy;
import io.losslake.federated.strategy.ServerState;
import io.losslake.federated.strategy.Strategies;
import io.losslake.scaling.Flops;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Federated training as Spark jobs. Per round: broadcast the global weights, run one task per
 * client (local DL4J training), collect the updates, aggregate on the driver with the strategy,
 * evaluate the new global model on the test split and append the round's metrics to the lake.
 *
 * <p>The training split is broadcast once per run and cached by each executor; a client task only
 * carries its example indices.
 */
public final class FederatedSimulation {

    /** Everything a run needs, decided and validated before Spark starts. */
    public record Plan(String runId, FederatedConfig config, ModelSpec model, TrainTest data, Partition partition) {
    }

    private FederatedSimulation() {
    }

    /** The global model every run with this seed starts from. */
    public static float[] initialWeights(Plan plan) {
        long seed = Seeds.derive(plan.config().seed(), Streams.INITIAL_WEIGHTS);
        return ModelFactory.weightsOf(ModelFactory.initialised(plan.model(), plan.config().local().optimizer(), seed));
    }

    /**
     * Runs every round, calling {@code onRound} after each round's metrics are in the lake.
     *
     * @return the final global weights
     */
    public static float[] run(Lake lake, Plan plan, Consumer<RoundMetrics> onRound) {
        FederatedConfig config = plan.config();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
        AggregationStrategy strategy = Strategies.byName(config.strategy());
        double flopsPerExample = Flops.denseTrainingPerExample(plan.model().denseLayers());

        List<ClientShard> shards = new ArrayList<>(plan.partition().numClients());
        for (int c = 0; c < plan.partition().numClients(); c++) {
            shards.add(new ClientShard(c, plan.partition().examples(c)));
        }
        Broadcast<LabeledImages> train = jsc.broadcast(plan.data().train());
        JavaRDD<ClientShard> clients = jsc.parallelize(shards, shards.size());

        float[] global = initialWeights(plan);
        ServerState state = strategy.initialState(global);
        double cumulativeFlops = 0;
        try {
            for (int round = 1; round <= config.rounds(); round++) {
                long start = System.nanoTime();
                jsc.setJobGroup("losslake-" + plan.runId(), String.format("run %s round %d/%d: %s, %d clients",
                        plan.runId(), round, config.rounds(), strategy.name(), shards.size()), false);
                Broadcast<float[]> weights = jsc.broadcast(global);
                List<ClientUpdate> updates;
                try {
                    updates = new ArrayList<>(clients
                            .map(new TrainClient(plan.model(), config.local(), config.seed(), round, train, weights))
                            .collect());
                } finally {
                    weights.destroy(false);
                }
                updates.sort(Comparator.comparingInt(ClientUpdate::clientId));
                AggregationStrategy.Result result = strategy.aggregate(round, global, updates, state);
                global = result.weights();
                state = result.state();

                Evaluation test = Evaluator.evaluate(
                        ModelFactory.withWeights(plan.model(), config.local().optimizer(), global), plan.data().test());
                long examples = 0;
                double lossSum = 0;
                long computeNanos = 0;
                for (ClientUpdate u : updates) {
                    long processed = u.examplesProcessed(config.local().epochs());
                    examples += processed;
                    lossSum += u.trainLoss() * processed;
                    computeNanos += u.computeNanos();
                }
                cumulativeFlops += flopsPerExample * examples;
                RoundMetrics metrics = new RoundMetrics(plan.runId(), round, test, lossSum / examples, updates.size(),
                        examples, cumulativeFlops, (System.nanoTime() - start) / 1e9, computeNanos / 1e9, Instant.now());
                lake.append(Tables.ROUND_METRICS, Tables.ROUND_METRICS_SCHEMA, List.of(metrics.toRow()));
                onRound.accept(metrics);
            }
        } finally {
            jsc.clearJobGroup();
            train.destroy(false);
        }
        return global;
    }
}
