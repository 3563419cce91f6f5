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
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.simulation.RunSettings;
import io.losslake.federated.simulation.Simulation;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.federated.ClientSource;
import io.losslake.spark.federated.LakeSink;
import io.losslake.spark.federated.SparkExecutor;
import io.losslake.spark.lake.AsyncAppender;
import io.losslake.spark.lake.Json;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Rows;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.runtime.Version;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A compute-budget sweep: trains every point of its grid that {@code sweep_points} does not hold yet
 * and records, at log-spaced checkpoints of each run, the training loss and the losses on several
 * evaluation sets with exact N, D and C. Centralised runs are Spark tasks, federated runs the round
 * loop over the sweep's plan; as many runs at once as there are task slots, largest first.
 * Resumable: finished runs are skipped.
 */
public final class SweepJob {
    private SweepJob() {
    }

    /**
     * Runs the sweep described by {@code sweep} (read from {@code file}, named in the runs table).
     *
     * @param commitEverySeconds commit finished runs' points at most this often (0: each run as it finishes)
     * @return the runs trained by this invocation
     */
    public static int run(Lake lake, SweepSpec sweep, Path file, double commitEverySeconds, PrintWriter out) {
        Instant startedAt = Instant.now();
        if (!lake.exists(Tables.EXAMPLES) || lake.read(Tables.EXAMPLES).where(col("dataset").equalTo(sweep.dataset())).limit(1).count() == 0) {
            throw new UserInputException(file + ": the lake " + lake.root() + " has no dataset '" + sweep.dataset() + "'; run 'losslake prepare' first.");
        }
        Row first = lake.read(Tables.EXAMPLES).where(col("dataset").equalTo(sweep.dataset())).select("shape").first();
        int[] shape = first.getList(0).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
        int classes = ClientDatasets.declaredClasses(lake, sweep.dataset());
        Map<String, ClientDatasets.PlanInfo> plans = new HashMap<>();
        for (SweepSpec.Mode m : sweep.modes()) {
            if (m.federated()) {
                ClientDatasets.PlanInfo info = ClientDatasets.describe(lake, m.plan());
                if (!info.dataset().equals(sweep.dataset())) {
                    throw new UserInputException(file + ": plan " + m.plan() + " deals dataset " + info.dataset() + ", not " + sweep.dataset() + ".");
                }
                plans.put(m.plan(), info);
            }
        }
        int features = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        for (String m : sweep.models()) {
            try {
                ModelSpec.parse(m, features, classes);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(file + ": " + e.getMessage(), e);
            }
        }

        Set<String> done = new HashSet<>();
        if (lake.exists(Tables.SWEEP_POINTS)) {
            lake.read(Tables.SWEEP_POINTS).where(col("sweep").equalTo(sweep.name())).select("run_key").distinct().collectAsList()
                    .forEach(r -> done.add(r.getString(0)));
        }
        if (sweep.design().isoflop()) {
            try {
                sweep.checkIsoflop(features, classes, file.toString());
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage(), e);
            }
        }
        List<SweepSpec.SweepRun> all = sweep.runs(features, classes);
        if (sweep.design().isoflop()) {
            Set<String> wanted = new HashSet<>();
            all.forEach(r -> wanted.add(r.key(sweep.dataset())));
            long stale = done.stream().filter(k -> !wanted.contains(k)).count();
            if (stale > 0) {
                throw new UserInputException(file + ": the lake already holds " + stale + " run(s) of sweep '" + sweep.name()
                        + "' that this file no longer describes (its budgets, models or settings changed); give the sweep a new name, "
                        + "so that a study never mixes the two.");
            }
        }
        List<SweepSpec.SweepRun> pending = all.stream().filter(r -> !done.contains(r.key(sweep.dataset()))).toList();
        String runId = RunLog.newRunId(startedAt);
        out.printf("losslake sweep %s: run %s, %d runs in the %s design, %d already done, %d to go; dataset %s; learning rate %s%n", sweep.name(), runId,
                all.size(), sweep.design().kind(), all.size() - pending.size(), pending.size(), sweep.dataset(), sweep.schedule());
        out.flush();
        if (pending.isEmpty()) {
            return 0;
        }
        RunLog.Start start = new RunLog.Start(runId, "sweep", 0, sweep.dataset(), Json.of(Map.of("config", file.toString())), startedAt);
        new RunLog(lake).record(start, false, Version.current(), () -> {
            train(lake, sweep, pending, plans, shape, classes, runId, commitEverySeconds, out);
            return pending.size();
        }, n -> RunLog.Ending.succeeded(Map.of("runs", n)));
        out.printf("sweep %s: %d runs done in %s; points in %s%n", sweep.name(), pending.size(), formatDuration(RunLog.secondsSince(startedAt)),
                lake.path(Tables.SWEEP_POINTS));
        out.flush();
        return pending.size();
    }

    private static void train(Lake lake, SweepSpec sweep, List<SweepSpec.SweepRun> pending, Map<String, ClientDatasets.PlanInfo> plans, int[] shape,
                              int classes, String runId, double commitEverySeconds, PrintWriter out) {
        int features = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
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
        // every run is its own Spark job(s), as many at once as there are task slots: a centralised run is
        // one task; a federated run's rounds are small jobs whose fixed costs overlap with the others'.
        // Largest first, so that the last to finish are short.
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jsc.defaultParallelism()));
        Map<String, ClientSource> sources = new java.util.concurrent.ConcurrentHashMap<>();
        try (AsyncAppender appender = new AsyncAppender(lake)) {
            Points points = new Points(appender, commitEverySeconds);
            List<SweepSpec.SweepRun> order = new ArrayList<>(pending);
            order.sort(java.util.Comparator.comparingDouble((SweepSpec.SweepRun r) -> -(double) r.budget()
                    * ModelSpec.parse(r.model(), features, classes).parameterCount()));
            List<Future<?>> futures = new ArrayList<>();
            for (SweepSpec.SweepRun run : order) {
                futures.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    ModelSpec model = ModelSpec.parse(run.model(), features, classes);
                    List<CentralisedTraining.Checkpoint> checkpoints;
                    ClientDatasets.PlanInfo info = null;
                    if (run.mode().federated()) {
                        info = plans.get(run.mode().plan());
                        ClientDatasets.PlanInfo plan = info;
                        ClientSource source = sources.computeIfAbsent(run.mode().plan(),
                                p -> ClientSource.of(ClientDatasets.load(lake, plan, Math.min(256, plan.numClients())), plan.numClients()));
                        checkpoints = federated(lake, jsc, sweep, run, source, features, classes, evalSets, runId);
                    } else {
                        jsc.setJobDescription("losslake sweep " + sweep.name() + ": centralised " + run.model() + " D=" + run.budget() + " seed " + run.seed());
                        checkpoints = jsc.parallelize(List.of(run), 1).map(new CentralTask(sweep, trainB, evalB, features, classes)).collect().get(0);
                    }
                    points.add(rows(sweep, runId, run, model, info, checkpoints));
                    progress.done(run, checkpoints.get(checkpoints.size() - 1), (System.nanoTime() - start) / 1e9);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            points.commit();
            appender.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the sweep trained", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException("a sweep run failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
            sources.values().forEach(ClientSource::release);
            trainB.destroy(false);
            evalB.destroy(false);
        }
    }

    /**
     * Finished runs' rows, committed to sweep_points together at most every {@code --commit-every}
     * seconds ({@link LakeSink#COMMIT_EVERY_SECONDS} by default): each Delta commit is a Spark job on the cores the runs
     * train on (one commit per run cost a fifth of a small sweep). A stopped sweep redoes the runs
     * it had not committed.
     */
    private static final class Points {
        private final AsyncAppender appender;
        private final List<Row> pending = new ArrayList<>();
        private final double commitEverySeconds;
        private long lastCommit = System.nanoTime();

        Points(AsyncAppender appender, double commitEverySeconds) {
            this.appender = appender;
            this.commitEverySeconds = commitEverySeconds;
        }

        synchronized void add(List<Row> rows) {
            pending.addAll(rows);
            if (System.nanoTime() - lastCommit >= commitEverySeconds * 1e9) {
                commit();
            }
        }

        synchronized void commit() {
            appender.append(Tables.SWEEP_POINTS, Tables.SWEEP_POINTS_SCHEMA, new ArrayList<>(pending));
            pending.clear();
            lastCommit = System.nanoTime();
        }
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
            io.losslake.spark.runtime.Faults.maybeFail("sweep", run.key(sweep.dataset()).hashCode());
            io.losslake.spark.federated.TaskGpu.select();
            long[] at = CentralisedTraining.logSpaced(run.budget(), sweep.checkpoints(), sweep.batchSize());
            return CentralisedTraining.run(ModelSpec.parse(run.model(), features, classes),
                    new LocalTraining(1, 0, sweep.batchSize(), sweep.optimizerOf(run), sweep.trainer(), sweep.schedule()), train.value(), at,
                    run.seed(), evals.value());
        }
    }

    private static List<CentralisedTraining.Checkpoint> federated(Lake lake, JavaSparkContext jsc, SweepSpec sweep, SweepSpec.SweepRun run,
                                                                   ClientSource source, int features, int classes, Map<String, ClientData> evalSets,
                                                                   String runId) {
        ModelSpec model = ModelSpec.parse(run.model(), features, classes);
        long perRound = run.mode().examplesPerRound(sweep.batchSize());
        int rounds = (int) Math.max(1, Math.round((double) run.budget() / perRound));
        long[] wanted = CentralisedTraining.logSpaced((long) rounds * perRound, sweep.checkpoints(), sweep.batchSize());
        TreeSet<Integer> checkpointRounds = new TreeSet<>();
        for (long w : wanted) {
            checkpointRounds.add((int) Math.max(1, Math.min(rounds, Math.ceil((double) w / perRound))));
        }
        RunSettings settings = new RunSettings(rounds, run.mode().clientsPerRound(),
                new LocalTraining(1, run.mode().localSteps(), sweep.batchSize(), sweep.optimizerOf(run), sweep.trainer(), sweep.schedule().over(rounds)),
                run.mode().strategy(),
                run.mode().strategyOptions(), LayerPolicy.SHARE_ALL, 0, 0, false, 0, 1, 0, rounds, run.seed());
        List<CentralisedTraining.Checkpoint> out = new ArrayList<>();
        long[] seen = {0};
        double[] lossSum = {0};
        long[] lossCount = {0};
        String subRun = runId + "-" + Integer.toHexString(run.key(sweep.dataset()).hashCode());
        Simulation simulation = new Simulation(new Simulation.Setup(subRun, settings, model, source.available(), evalSets.values().iterator().next(), null));
        try (SparkExecutor executor = new SparkExecutor(jsc, source, simulation.clientRunner(), null, subRun,
                "sweep " + sweep.name() + " " + run.model() + " D=" + run.budget());
             // the sweep records its own points: only client state (stateful strategies) goes to the lake
             LakeSink sink = new LakeSink(lake, subRun, false, simulation.keepsClientState(), LakeSink.COMMIT_EVERY_SECONDS)) {
            simulation.run(executor, sink, null, (metrics, weights) -> {
                seen[0] += metrics.examplesTrained();
                if (!Double.isNaN(metrics.meanClientTrainLoss())) {
                    lossSum[0] += metrics.meanClientTrainLoss() * metrics.examplesTrained();
                    lossCount[0] += metrics.examplesTrained();
                }
                if (checkpointRounds.contains(metrics.round())) {
                    Map<String, Evaluation> evals = new LinkedHashMap<>();
                    evalSets.forEach((name, data) -> evals.put(name, Evaluator.evaluate(model, weights, data)));
                    out.add(new CentralisedTraining.Checkpoint(seen[0], lossCount[0] == 0 ? Double.NaN : lossSum[0] / lossCount[0], evals));
                    lossSum[0] = 0;
                    lossCount[0] = 0;
                }
            });
        }
        return out;
    }

    private static List<Row> rows(SweepSpec sweep, String runId, SweepSpec.SweepRun run, ModelSpec model, ClientDatasets.PlanInfo plan,
                                  List<CentralisedTraining.Checkpoint> checkpoints) {
        double flopsPerExample = Simulation.trainingFlopsPerExample(model);
        List<Row> rows = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        String heterogeneity = plan == null ? null : plan.partitionId();
        for (int k = 0; k < checkpoints.size(); k++) {
            CentralisedTraining.Checkpoint c = checkpoints.get(k);
            double flops = flopsPerExample * c.examples();
            Object[] common = {sweep.name(), run.key(sweep.dataset()), runId, run.mode().kind(), run.model(), model.parameterCount(),
                sweep.dataset(), run.mode().plan(), run.mode().strategy(), heterogeneity, run.seed(), run.budget(), k + 1, c.examples(), flops};
            Object[] tail = {run.flopBudget() > 0 ? run.flopBudget() : null, run.lr(), k == checkpoints.size() - 1};
            rows.add(row(common, "train", c.trainLoss(), Double.NaN, now, tail));
            for (Map.Entry<String, Evaluation> e : c.evals().entrySet()) {
                rows.add(row(common, e.getKey(), e.getValue().loss(), e.getValue().accuracy(), now, tail));
            }
        }
        return rows;
    }

    private static Row row(Object[] common, String evalSet, double loss, double accuracy, Timestamp now, Object[] tail) {
        Object[] values = java.util.Arrays.copyOf(common, common.length + 4 + tail.length);
        values[common.length] = evalSet;
        values[common.length + 1] = Rows.nullable(loss);
        values[common.length + 2] = Rows.nullable(accuracy);
        values[common.length + 3] = now;
        System.arraycopy(tail, 0, values, common.length + 4, tail.length);
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
            out.printf("[%d/%d] %-11s %-10s %sD=%-7d seed %d: train loss %.4f, %s loss %.4f acc %.4f (%.1f s)  ETA %s%n", n, total, run.mode().kind(),
                    run.model(), run.flopBudget() > 0 ? String.format("C=%.3g ", run.flopBudget()) : "", run.budget(), run.seed(), last.trainLoss(), last.evals().keySet().iterator().next(), test.loss(), test.accuracy(),
                    seconds, formatDuration(eta));
            out.flush();
        }
    }

    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? String.format("%d min %02d s", s / 60, s % 60) : String.format("%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
