package io.losslake.spark.sweep;

import static org.apache.spark.sql.functions.col;

import io.losslake.data.ClientData;
import io.losslake.data.DenseClientData;
import io.losslake.data.partition.FeatureShift;
import io.losslake.federated.CentralisedTraining;
import io.losslake.federated.Evaluation;
import io.losslake.federated.Evaluator;
import io.losslake.federated.LayerPolicy;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.spark.LakeSession;
import io.losslake.spark.Version;
import io.losslake.spark.cli.Json;
import io.losslake.spark.cli.SparkOptions;
import io.losslake.spark.cli.UserInputException;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.federated.ClientSource;
import io.losslake.spark.federated.FederatedEngine;
import io.losslake.spark.federated.RunSettings;
import io.losslake.spark.lake.AsyncAppender;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake sweep}: a compute-budget grid, every run's checkpoints in sweep_points; resumable. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {
            "Trains every point of a grid (model x data budget x mode x seed, from a YAML file such as conf/sweeps/fmnist-mlp.yaml)",
            "and records, at log-spaced checkpoints of each run, the training loss and the losses on several evaluation sets",
            "with exact N (parameters), D (examples seen) and C (FLOPs) into sweep_points. Centralised runs are Spark tasks,",
            "as many at once as there are cores; federated runs are federated jobs. Runs already in sweep_points are skipped,",
            "so a stopped sweep continues where it was."})
public final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The sweep's YAML file.")
    Path config;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Instant startedAt = Instant.now();
        SweepSpec sweep;
        try {
            sweep = SweepSpec.load(config);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        try (LakeSession session = LakeSession.open("losslake sweep " + sweep.name(), sparkOptions)) {
            Lake lake = new Lake(session.spark(), session.qualifyLake(sparkOptions.lake()));
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session.spark().sparkContext());
            if (!lake.exists(Tables.EXAMPLES) || lake.read(Tables.EXAMPLES).where(col("dataset").equalTo(sweep.dataset())).limit(1).count() == 0) {
                throw new UserInputException(config + ": the lake " + lake.root() + " has no dataset '" + sweep.dataset() + "'; run 'losslake prepare' first.");
            }
            Row first = lake.read(Tables.EXAMPLES).where(col("dataset").equalTo(sweep.dataset())).select("shape").first();
            int[] shape = first.getList(0).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
            int classes = ((Number) lake.read(Tables.EXAMPLES).where(col("dataset").equalTo(sweep.dataset()))
                    .agg(org.apache.spark.sql.functions.max("label")).first().get(0)).intValue() + 1;
            Map<String, ClientDatasets.PlanInfo> plans = new HashMap<>();
            for (SweepSpec.Mode m : sweep.modes()) {
                if (m.federated()) {
                    ClientDatasets.PlanInfo info = ClientDatasets.describe(lake, m.plan());
                    if (!info.dataset().equals(sweep.dataset())) {
                        throw new UserInputException(config + ": plan " + m.plan() + " deals dataset " + info.dataset() + ", not " + sweep.dataset() + ".");
                    }
                    plans.put(m.plan(), info);
                }
            }
            int features = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            for (String m : sweep.models()) {
                try {
                    ModelSpec.parse(m, features, classes);
                } catch (IllegalArgumentException e) {
                    throw new UserInputException(config + ": " + e.getMessage(), e);
                }
            }

            Set<String> done = new HashSet<>();
            if (lake.exists(Tables.SWEEP_POINTS)) {
                lake.read(Tables.SWEEP_POINTS).where(col("sweep").equalTo(sweep.name())).select("run_key").distinct().collectAsList()
                        .forEach(r -> done.add(r.getString(0)));
            }
            List<SweepSpec.SweepRun> all = sweep.runs();
            List<SweepSpec.SweepRun> pending = all.stream().filter(r -> !done.contains(r.key(sweep.dataset()))).toList();
            String runId = RunLog.newRunId(startedAt);
            out.printf("losslake sweep %s: run %s, %d runs in the grid, %d already done, %d to go; dataset %s%n", sweep.name(), runId, all.size(),
                    all.size() - pending.size(), pending.size(), sweep.dataset());
            out.flush();
            if (pending.isEmpty()) {
                return 0;
            }
            RunLog runs = new RunLog(lake);
            runs.start(new RunLog.Start(runId, "sweep", 0, sweep.dataset(), Json.options(spec), startedAt), Version.current());

            long t0 = System.nanoTime();
            DenseClientData train = ClientDatasets.loadSplit(lake, sweep.dataset(), "train", shape, classes, 0, 0);
            DenseClientData test = ClientDatasets.loadSplit(lake, sweep.dataset(), "test", shape, classes, sweep.evalSample(), 7);
            Map<String, ClientData> evalSets = new LinkedHashMap<>();
            for (Map.Entry<String, FeatureShift> e : sweep.evalSets().entrySet()) {
                evalSets.put(e.getKey(), e.getValue() == null ? test : shifted(test, e.getValue(), shape));
            }
            out.printf("data loaded in %.1f s: %,d training examples, eval sets %s of %,d examples%n", (System.nanoTime() - t0) / 1e9, train.size(),
                    evalSets.keySet(), test.size());
            out.flush();
            Broadcast<DenseClientData> trainB = jsc.broadcast(train);
            Broadcast<Map<String, ClientData>> evalB = jsc.broadcast(evalSets);
            Progress progress = new Progress(out, pending.size());
            try (AsyncAppender appender = new AsyncAppender(lake)) {
                // centralised runs: one Spark job of one task each, as many at once as there are cores
                int slots = Math.max(1, jsc.defaultParallelism());
                ExecutorService pool = Executors.newFixedThreadPool(slots);
                List<Future<?>> futures = new ArrayList<>();
                for (SweepSpec.SweepRun run : pending) {
                    if (run.mode().federated()) {
                        continue;
                    }
                    futures.add(pool.submit(() -> {
                        long start = System.nanoTime();
                        jsc.setJobDescription("sweep " + sweep.name() + ": centralised " + run.model() + " D=" + run.budget() + " seed " + run.seed());
                        List<CentralisedTraining.Checkpoint> checkpoints = jsc.parallelize(List.of(run), 1)
                                .map(new CentralTask(sweep, trainB, evalB, features, classes)).collect().get(0);
                        List<Row> rows = rows(sweep, runId, run, ModelSpec.parse(run.model(), features, classes), null, checkpoints);
                        appender.append(Tables.SWEEP_POINTS, Tables.SWEEP_POINTS_SCHEMA, rows);
                        progress.done(run, checkpoints.get(checkpoints.size() - 1), (System.nanoTime() - start) / 1e9);
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                pool.shutdown();
                // federated runs: each a federated job over the whole cluster
                Map<String, ClientSource> sources = new HashMap<>();
                for (SweepSpec.SweepRun run : pending) {
                    if (!run.mode().federated()) {
                        continue;
                    }
                    long start = System.nanoTime();
                    ClientDatasets.PlanInfo info = plans.get(run.mode().plan());
                    ClientSource source = sources.computeIfAbsent(run.mode().plan(),
                            p -> ClientSource.of(ClientDatasets.load(lake, info, Math.min(256, info.numClients())), info.numClients()));
                    List<CentralisedTraining.Checkpoint> checkpoints = federated(lake, sweep, run, source, features, classes, evalSets, runId);
                    appender.append(Tables.SWEEP_POINTS, Tables.SWEEP_POINTS_SCHEMA,
                            rows(sweep, runId, run, ModelSpec.parse(run.model(), features, classes), info, checkpoints));
                    progress.done(run, checkpoints.get(checkpoints.size() - 1), (System.nanoTime() - start) / 1e9);
                }
                sources.values().forEach(ClientSource::release);
                appender.flush();
            } catch (Exception e) {
                runs.finish(runId, RunLog.FAILED, Instant.now(), seconds(startedAt), null, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                trainB.destroy(false);
                evalB.destroy(false);
            }
            runs.finish(runId, RunLog.SUCCEEDED, Instant.now(), seconds(startedAt), Json.of(Map.of("runs", pending.size())), null);
            out.printf("sweep %s: %d runs done in %s; points in %s%n", sweep.name(), pending.size(), formatDuration(seconds(startedAt)),
                    lake.path(Tables.SWEEP_POINTS));
            out.flush();
        }
        return 0;
    }

    /** A feature-shifted copy of an evaluation set. */
    private static DenseClientData shifted(DenseClientData base, FeatureShift shift, int[] shape) {
        int d = base.featureSize();
        float[] out = new float[base.features().length];
        for (int i = 0; i < base.size(); i++) {
            shift.apply(base.features(), i * d, shape.length == 2 ? shape[0] : 1, shape.length == 2 ? shape[1] : d, base.exampleIds()[i], out, i * d);
        }
        return new DenseClientData(base.clientId(), base.exampleIds(), out, base.labels(), base.shape(), base.numClasses());
    }

    /** The body of a centralised run's Spark task. */
    private static final class CentralTask implements Function<SweepSpec.SweepRun, List<CentralisedTraining.Checkpoint>> {
        private final SweepSpec sweep;
        private final Broadcast<DenseClientData> train;
        private final Broadcast<Map<String, ClientData>> evals;
        private final int features;
        private final int classes;

        CentralTask(SweepSpec sweep, Broadcast<DenseClientData> train, Broadcast<Map<String, ClientData>> evals, int features, int classes) {
            this.sweep = sweep;
            this.train = train;
            this.evals = evals;
            this.features = features;
            this.classes = classes;
        }

        @Override
        public List<CentralisedTraining.Checkpoint> call(SweepSpec.SweepRun run) {
            long[] at = CentralisedTraining.logSpaced(run.budget(), sweep.checkpoints(), sweep.batchSize());
            return CentralisedTraining.run(ModelSpec.parse(run.model(), features, classes),
                    new LocalTraining(1, 0, sweep.batchSize(), sweep.optimizer(), sweep.trainer()), train.value(), at, run.seed(), evals.value());
        }
    }

    private static List<CentralisedTraining.Checkpoint> federated(Lake lake, SweepSpec sweep, SweepSpec.SweepRun run, ClientSource source,
                                                                   int features, int classes, Map<String, ClientData> evalSets, String runId) {
        ModelSpec model = ModelSpec.parse(run.model(), features, classes);
        long perRound = run.mode().examplesPerRound(sweep.batchSize());
        int rounds = (int) Math.max(1, Math.round((double) run.budget() / perRound));
        long[] wanted = CentralisedTraining.logSpaced((long) rounds * perRound, sweep.checkpoints(), sweep.batchSize());
        TreeSet<Integer> checkpointRounds = new TreeSet<>();
        for (long w : wanted) {
            checkpointRounds.add((int) Math.max(1, Math.min(rounds, Math.ceil((double) w / perRound))));
        }
        RunSettings settings = new RunSettings(rounds, run.mode().clientsPerRound(),
                new LocalTraining(1, run.mode().localSteps(), sweep.batchSize(), sweep.optimizer(), sweep.trainer()), run.mode().strategy(),
                run.mode().strategyOptions(), LayerPolicy.SHARE_ALL, 0, 0, false, 0, 1, 0, rounds, run.seed());
        List<CentralisedTraining.Checkpoint> out = new ArrayList<>();
        long[] seen = {0};
        double[] lossSum = {0};
        long[] lossCount = {0};
        String subRun = runId + "-" + Integer.toHexString(run.key(sweep.dataset()).hashCode());
        FederatedEngine.run(lake, new FederatedEngine.Setup(subRun, settings, model, source, evalSets.values().iterator().next(), null, false), null,
                (metrics, weights) -> {
                    seen[0] += metrics.examplesTrained();
                    if (!Double.isNaN(metrics.meanClientTrainLoss())) {
                        lossSum[0] += metrics.meanClientTrainLoss() * metrics.examplesTrained();
                        lossCount[0] += metrics.examplesTrained();
                    }
                    if (checkpointRounds.contains(metrics.round())) {
                        Map<String, Evaluation> evals = new LinkedHashMap<>();
                        var net = ModelFactory.withWeights(model, sweep.optimizer(), weights);
                        evalSets.forEach((name, data) -> evals.put(name, Evaluator.evaluate(net, data)));
                        out.add(new CentralisedTraining.Checkpoint(seen[0], lossCount[0] == 0 ? Double.NaN : lossSum[0] / lossCount[0], evals));
                        lossSum[0] = 0;
                        lossCount[0] = 0;
                    }
                });
        return out;
    }

    private static List<Row> rows(SweepSpec sweep, String runId, SweepSpec.SweepRun run, ModelSpec model, ClientDatasets.PlanInfo plan,
                                  List<CentralisedTraining.Checkpoint> checkpoints) {
        double flopsPerExample = FederatedEngine.trainingFlopsPerExample(model);
        List<Row> rows = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        String heterogeneity = plan == null ? null : plan.partitionId();
        for (int k = 0; k < checkpoints.size(); k++) {
            CentralisedTraining.Checkpoint c = checkpoints.get(k);
            double flops = flopsPerExample * c.examples();
            Object[] common = {sweep.name(), run.key(sweep.dataset()), runId, run.mode().kind(), run.model(), model.parameterCount(),
                sweep.dataset(), run.mode().plan(), run.mode().strategy(), heterogeneity, run.seed(), run.budget(), k + 1, c.examples(), flops};
            rows.add(row(common, "train", c.trainLoss(), null, now));
            for (Map.Entry<String, Evaluation> e : c.evals().entrySet()) {
                rows.add(row(common, e.getKey(), e.getValue().loss(), e.getValue().accuracy(), now));
            }
        }
        return rows;
    }

    private static Row row(Object[] common, String evalSet, double loss, Double accuracy, Timestamp now) {
        Object[] values = java.util.Arrays.copyOf(common, common.length + 4);
        values[common.length] = evalSet;
        values[common.length + 1] = Double.isFinite(loss) ? loss : null;
        values[common.length + 2] = accuracy;
        values[common.length + 3] = now;
        return RowFactory.create(values);
    }

    /** Runs done / total with an ETA. */
    private static final class Progress {
        private final PrintWriter out;
        private final int total;
        private final AtomicInteger done = new AtomicInteger();
        private final long start = System.nanoTime();

        Progress(PrintWriter out, int total) {
            this.out = out;
            this.total = total;
        }

        synchronized void done(SweepSpec.SweepRun run, CentralisedTraining.Checkpoint last, double seconds) {
            int n = done.incrementAndGet();
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = elapsed / n * (total - n);
            Evaluation test = last.evals().values().iterator().next();
            out.printf("[%d/%d] %-11s %-10s D=%-7d seed %d: train loss %.4f, %s loss %.4f acc %.4f (%.1f s)  ETA %s%n", n, total, run.mode().kind(),
                    run.model(), run.budget(), run.seed(), last.trainLoss(), last.evals().keySet().iterator().next(), test.loss(), test.accuracy(),
                    seconds, formatDuration(eta));
            out.flush();
        }
    }

    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? String.format("%d min %02d s", s / 60, s % 60) : String.format("%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    private static double seconds(Instant since) {
        return (Instant.now().toEpochMilli() - since.toEpochMilli()) / 1000.0;
    }
}
