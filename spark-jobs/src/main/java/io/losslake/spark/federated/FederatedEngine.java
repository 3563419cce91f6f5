package io.losslake.spark.federated;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientProgram;
import io.losslake.federated.ClientState;
import io.losslake.federated.ClientUpdate;
import io.losslake.federated.Evaluation;
import io.losslake.federated.Evaluator;
import io.losslake.federated.LossDecomposition;
import io.losslake.federated.ParamLayout;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.strategy.AggregationStrategy;
import io.losslake.federated.strategy.ServerState;
import io.losslake.federated.strategy.Strategies;
import io.losslake.scaling.Flops;
import io.losslake.spark.lake.AsyncAppender;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Federated training as Spark jobs. Per round: sample clients (seeded), decide who drops out or
 * straggles (seeded), read the sampled clients' state from the lake, broadcast the global weights
 * and the strategy's client program, train the dispatched clients in the Spark partitions that
 * hold them, collect their updates, refuse non-finite ones, aggregate on the driver, evaluate, and
 * queue the round's rows and checkpoint for the lake. Every random choice derives from the run seed
 * and (round, client), so a resumed run repeats an uninterrupted one exactly.
 */
public final class FederatedEngine {
    private static final Logger LOG = LoggerFactory.getLogger(FederatedEngine.class);

    /**
     * A run, decided and validated before Spark starts.
     *
     * @param decompositionSample the fixed sample of global training data for the loss decomposition; null when it is off
     * @param persistRounds       write round_metrics, client_metrics and checkpoints (a sweep's federated runs record
     *                            their own points instead and are not resumable mid-run)
     * @param commitEverySeconds  rounds' rows are committed together at most this often (and after the last round;
     *                            every round when client state must be read back): each Delta commit costs CPU the
     *                            clients would use; a killed run resumes from its last committed checkpoint
     */
    public record Setup(String runId, RunSettings settings, ModelSpec model, ClientSource clients, ClientData test,
                        ClientData decompositionSample, boolean persistRounds, double commitEverySeconds) {
        public static final double COMMIT_EVERY_SECONDS = 10;

        public Setup(String runId, RunSettings settings, ModelSpec model, ClientSource clients, ClientData test, ClientData decompositionSample,
                     boolean persistRounds) {
            this(runId, settings, model, clients, test, decompositionSample, persistRounds, COMMIT_EVERY_SECONDS);
        }

        public Setup(String runId, RunSettings settings, ModelSpec model, ClientSource clients, ClientData test, ClientData decompositionSample) {
            this(runId, settings, model, clients, test, decompositionSample, true);
        }
    }

    /** Told each round's metrics and the new global weights. */
    @FunctionalInterface
    public interface RoundListener {
        void round(RoundMetrics metrics, float[] globalWeights);
    }

    private FederatedEngine() {
    }

    /** The global model every run with this seed and model starts from. */
    public static float[] initialWeights(ModelSpec model, RunSettings settings) {
        long seed = Seeds.derive(settings.seed(), Streams.INITIAL_WEIGHTS);
        return ModelFactory.weightsOf(ModelFactory.initialised(model, settings.local().optimizer(), seed));
    }

    public static ParamLayout layoutOf(ModelSpec model, RunSettings settings) {
        return ParamLayout.of(ModelFactory.withWeights(model, settings.local().optimizer(), new float[(int) model.parameterCount()]));
    }

    /**
     * Runs the rounds after {@code resumeFrom} (null: from the start), calling {@code onRound} as
     * each round's metrics are known.
     *
     * @return the final global weights
     */
    public static float[] run(Lake lake, Setup setup, LakeState.Checkpoint resumeFrom, RoundListener onRound) {
        RunSettings settings = setup.settings();
        ModelSpec model = setup.model();
        ParamLayout layout = layoutOf(model, settings);
        settings.layers().validate(layout);
        ClientSource clients = setup.clients();
        AggregationStrategy strategy = Strategies.create(settings.strategy(), settings.strategyOptions(),
                new Strategies.Context(clients.available().length, layout));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
        LakeState store = new LakeState(lake, setup.runId());
        double flopsPerExample = trainingFlopsPerExample(model);

        float[] global;
        ServerState state;
        int first;
        if (resumeFrom == null) {
            global = initialWeights(model, settings);
            state = strategy.initialState(global);
            first = 1;
        } else {
            global = resumeFrom.weights();
            state = resumeFrom.state();
            first = resumeFrom.round() + 1;
        }
        double cumulativeFlops = resumeFrom == null ? 0 : cumulativeFlops(lake, setup.runId(), resumeFrom.round());
        boolean stateful = settings.layers().isPersonalised() || strategy.keepsClientState();
        if (settings.decomposeEvery() > 0 && setup.decompositionSample() == null) {
            throw new IllegalArgumentException("the loss decomposition needs a sample of the training data");
        }
        Broadcast<ClientData> sample = setup.decompositionSample() == null ? null : jsc.broadcast(setup.decompositionSample());
        int m = Math.min(settings.clientsPerRound(), clients.available().length);
        Dl4jSparkRound dl4jSpark = RunSettings.DL4J_SPARK.equals(settings.engine())
                ? new Dl4jSparkRound(jsc, model, settings.local(), global, settings.seed()) : null;
        List<Row> pendingClients = new ArrayList<>();
        List<Row> pendingRounds = new ArrayList<>();
        List<Row> pendingCheckpoints = new ArrayList<>();
        long commitEvery = (long) (setup.commitEverySeconds() * 1e9);
        long lastCommit = System.nanoTime();
        try (AsyncAppender out = new AsyncAppender(lake)) {
            for (int round = first; round <= settings.rounds(); round++) {
                long start = System.nanoTime();
                int[] sampled = Sampling.sample(clients.available(), m, settings.seed(), round);
                Map<Integer, Double> work = new HashMap<>();
                List<ClientFailure> failures = new ArrayList<>();
                int straggling = 0;
                for (int c : sampled) {
                    double fraction = Sampling.workFraction(settings.seed(), round, c, settings.dropout(), settings.straggle());
                    if (fraction == 0) {
                        failures.add(new ClientFailure(c, "dropped"));
                    } else if (fraction < 1 && settings.dropStragglers()) {
                        failures.add(new ClientFailure(c, "straggler"));
                        straggling++;
                    } else {
                        straggling += fraction < 1 ? 1 : 0;
                        work.put(c, fraction);
                    }
                }
                int[] dispatched = work.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
                Map<Integer, ClientState> states = stateful ? store.clientStates(dispatched, round) : Map.of();
                ClientProgram program = strategy.clientProgram(round, state);
                boolean decompose = settings.decomposes(round);
                Broadcast<RoundInput> input = jsc.broadcast(new RoundInput(round, global, program, work, states, decompose));

                jsc.setJobGroup("losslake-" + setup.runId(), String.format("run %s round %d/%d: %s, %d of %d clients",
                        setup.runId(), round, settings.rounds(), strategy.name(), dispatched.length, clients.available().length), false);
                long trainStart = System.nanoTime();
                Dl4jSparkRound.Result viaDl4j = null;
                List<ClientOutcome> outcomes;
                if (dl4jSpark != null) {
                    viaDl4j = dl4jSpark.train(prune(clients, dispatched), work.keySet(), round, global);
                    outcomes = new ArrayList<>();
                } else {
                    outcomes = dispatched.length == 0 ? new ArrayList<>() // sortable even when every client dropped out
                            : new ArrayList<>(prune(clients, dispatched).mapPartitions(new RoundTask(input, sample, model, layout,
                            settings.local(), settings.layers(), settings.holdout(), settings.seed())).collect());
                }
                double trainingSeconds = (System.nanoTime() - trainStart) / 1e9;
                input.destroy(false);
                outcomes.sort(Comparator.comparingInt(o -> o.update().clientId()));

                List<ClientUpdate> updates = new ArrayList<>();
                List<Row> clientRows = new ArrayList<>();
                List<Row> stateRows = new ArrayList<>();
                int rejected = 0;
                for (ClientOutcome o : outcomes) {
                    ClientUpdate u = o.update();
                    String status;
                    if (!u.isFinite()) {
                        LOG.warn("run {} round {}: client {} sent an update with NaN or infinity; it is refused", setup.runId(), round, u.clientId());
                        failures.add(new ClientFailure(u.clientId(), "rejected"));
                        rejected++;
                        status = "rejected";
                    } else {
                        updates.add(u);
                        status = u.partial() ? "partial" : "ok";
                        if (stateful) {
                            stateRows.add(store.clientStateRow(round, u.clientId(), u.state()));
                        }
                    }
                    clientRows.add(clientRow(setup.runId(), round, u, status, o.updateNorm()));
                }
                for (ClientFailure f : failures) {
                    if (!f.reason().equals("rejected")) {
                        clientRows.add(RowFactory.create(setup.runId(), round, f.clientId(), f.reason(), null, 0L, 0L, null, 0.0, null,
                                null, null, null, null, Timestamp.from(Instant.now())));
                    }
                }
                failures.sort(Comparator.comparingInt(ClientFailure::clientId));

                if (viaDl4j != null) {
                    global = viaDl4j.weights(); // DL4J's parameter average is the round's FedAvg step
                } else if (!updates.isEmpty()) {
                    AggregationStrategy.Result result = strategy.aggregate(round, global, updates, failures, state);
                    global = result.weights();
                    state = result.state();
                } else {
                    LOG.warn("run {} round {}: no client update arrived; the global model is unchanged", setup.runId(), round);
                }
                Evaluation test = settings.evaluates(round) ? Evaluator.evaluate(model, global, setup.test()) : null;
                LossDecomposition decomposition = decompose && !updates.isEmpty()
                        ? decompose(updates, Evaluator.evaluate(model, global, setup.decompositionSample()).loss()) : null;

                long examples = 0;
                double lossSum = 0;
                long computeNanos = 0;
                double personal = 0;
                double globalHeld = 0;
                int heldCount = 0;
                double[] losses = new double[updates.size()];
                for (int i = 0; i < updates.size(); i++) {
                    ClientUpdate u = updates.get(i);
                    examples += u.examplesProcessed();
                    lossSum += u.trainLoss() * u.examplesProcessed();
                    losses[i] = u.trainLoss();
                    if (!Double.isNaN(u.metrics().personalAccuracy())) {
                        personal += u.metrics().personalAccuracy();
                        globalHeld += u.metrics().globalHoldoutAccuracy();
                        heldCount++;
                    }
                }
                for (ClientOutcome o : outcomes) {
                    computeNanos += o.update().computeNanos();
                }
                if (viaDl4j != null) {
                    examples = viaDl4j.examples(); // DL4J's workers report neither losses nor timings
                }
                cumulativeFlops += flopsPerExample * examples;
                RoundMetrics metrics = new RoundMetrics(setup.runId(), round, test, examples == 0 ? Double.NaN : lossSum / examples,
                        percentiles(losses), viaDl4j != null ? dispatched.length : updates.size(), sampled.length,
                        (int) failures.stream().filter(f -> f.reason().equals("dropped")).count(), straggling, rejected, examples,
                        cumulativeFlops, (System.nanoTime() - start) / 1e9, viaDl4j != null ? Double.NaN : computeNanos / 1e9, trainingSeconds, decomposition,
                        heldCount == 0 ? Double.NaN : personal / heldCount, heldCount == 0 ? Double.NaN : globalHeld / heldCount,
                        Instant.now());
                out.append(Tables.CLIENT_STATE, Tables.CLIENT_STATE_SCHEMA, stateRows);
                if (setup.persistRounds()) {
                    pendingClients.addAll(clientRows);
                    pendingRounds.add(metrics.toRow());
                    pendingCheckpoints.add(store.checkpointRow(round, global, state));
                    if (stateful || round == settings.rounds() || System.nanoTime() - lastCommit >= commitEvery) {
                        out.append(Tables.CLIENT_METRICS, Tables.CLIENT_METRICS_SCHEMA, new ArrayList<>(pendingClients));
                        out.append(Tables.ROUND_METRICS, Tables.ROUND_METRICS_SCHEMA, new ArrayList<>(pendingRounds));
                        // last: a round is complete in the lake once its checkpoint is
                        out.append(Tables.CHECKPOINTS, Tables.CHECKPOINTS_SCHEMA, new ArrayList<>(pendingCheckpoints));
                        pendingClients.clear();
                        pendingRounds.clear();
                        pendingCheckpoints.clear();
                        lastCommit = System.nanoTime();
                    }
                }
                if (stateful) {
                    // the next round reads client state written by this one
                    out.flush();
                }
                onRound.round(metrics, global);
            }
            out.flush();
        } finally {
            jsc.clearJobGroup();
            if (sample != null) {
                sample.destroy(false);
            }
        }
        return global;
    }

    private static Row clientRow(String runId, int round, ClientUpdate u, String status, double norm) {
        ClientUpdate.ClientMetrics m = u.metrics();
        return RowFactory.create(runId, round, u.clientId(), status, u.numExamples(), u.stepsTaken(), u.examplesProcessed(),
                nan(u.trainLoss()), u.computeNanos() / 1e9, nan(norm), nan(m.localLoss()), nan(m.sampleLoss()), nan(m.personalAccuracy()),
                nan(m.globalHoldoutAccuracy()), Timestamp.from(Instant.now()));
    }

    private static Double nan(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    static LossDecomposition decompose(List<ClientUpdate> updates, double globalLoss) {
        long[] n = new long[updates.size()];
        double[] own = new double[updates.size()];
        double[] sample = new double[updates.size()];
        for (int i = 0; i < n.length; i++) {
            n[i] = updates.get(i).numExamples();
            own[i] = updates.get(i).metrics().localLoss();
            sample[i] = updates.get(i).metrics().sampleLoss();
        }
        return LossDecomposition.of(n, own, sample, globalLoss);
    }

    static double[] percentiles(double[] values) {
        if (values.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new double[] {quantile(sorted, 0.1), quantile(sorted, 0.5), quantile(sorted, 0.9)};
    }

    /** Linear interpolation between closest ranks (numpy's default). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Training FLOPs per example of the model (forward and backward). */
    public static double trainingFlopsPerExample(ModelSpec model) {
        return Flops.trainingPerExample(model.layers().stream()
                .map(l -> new Flops.Layer(l.kind(), l.in(), l.out(), l.kernel(), l.outHeight(), l.outWidth())).toList());
    }

    private static double cumulativeFlops(Lake lake, String runId, int round) {
        if (!lake.exists(Tables.ROUND_METRICS)) {
            return 0;
        }
        List<Row> rows = lake.read(Tables.ROUND_METRICS).where(org.apache.spark.sql.functions.col("run_id").equalTo(runId)
                .and(org.apache.spark.sql.functions.col("round").equalTo(round))).select("train_flops").collectAsList();
        return rows.isEmpty() || rows.get(0).isNullAt(0) ? 0 : rows.get(0).getDouble(0);
    }

    /** Only the partitions holding the dispatched clients become tasks. */
    private static JavaRDD<ClientData> prune(ClientSource clients, int[] dispatched) {
        TreeSet<Integer> partitions = new TreeSet<>();
        for (int c : dispatched) {
            partitions.add(clients.partitionOf(c));
        }
        return new JavaRDD<>(PartitionPruningRDD.create(clients.rdd().rdd(), new PartitionFilter(partitions)),
                ClassTag$.MODULE$.apply(ClientData.class));
    }

    /** Keeps the partitions in a set (a serializable Scala function, as PartitionPruningRDD wants). */
    private static final class PartitionFilter extends AbstractFunction1<Object, Object> implements java.io.Serializable {
        private final TreeSet<Integer> keep;

        PartitionFilter(TreeSet<Integer> keep) {
            this.keep = keep;
        }

        @Override
        public Object apply(Object index) {
            return keep.contains((Integer) index);
        }
    }
}
