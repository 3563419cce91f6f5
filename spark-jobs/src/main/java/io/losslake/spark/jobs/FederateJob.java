package io.losslake.spark.jobs;

import static org.apache.spark.sql.functions.col;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.Streams;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.simulation.Checkpoint;
import io.losslake.federated.simulation.ClientExecutor;
import io.losslake.federated.simulation.RoundMetrics;
import io.losslake.federated.simulation.RunSettings;
import io.losslake.federated.simulation.Simulation;
import io.losslake.federated.simulation.SyntheticRounds;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.federated.ClientSource;
import io.losslake.spark.federated.Dl4jSparkExecutor;
import io.losslake.spark.federated.LakeSink;
import io.losslake.spark.federated.SparkExecutor;
import io.losslake.spark.lake.Json;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.runtime.Version;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;

/**
 * A federated run over a partition plan in the lake, as Spark jobs: loads the plan's clients onto
 * the executors, runs {@link Simulation}'s round loop with a {@link SparkExecutor} (or DL4J's
 * parameter averaging) and a {@link LakeSink}, and records the run in {@code runs}. Resumable:
 * {@link #resume} continues a killed run from its last checkpoint with its stored request.
 */
public final class FederateJob {
    private FederateJob() {
    }

    /**
     * A finished run's figures.
     *
     * @param rounds        the rounds this invocation ran (a resumed run: those after its checkpoint)
     * @param bestAccuracy  best test accuracy over every round of the run
     * @param finalAccuracy the last round's test accuracy
     */
    public record Result(String runId, List<RoundMetrics> rounds, double bestAccuracy, double finalAccuracy) {
    }

    /** Runs {@code request} as a new run. */
    public static Result run(Lake lake, FederateRequest request, PrintWriter out) {
        Instant startedAt = Instant.now();
        check(request);
        return execute(lake, request, RunLog.newRunId(startedAt), false, startedAt, out);
    }

    /** Checks a request before Spark starts; one sentence on the first bad option. */
    public static void check(FederateRequest request) {
        UserErrors.check(request::check);
    }

    /** Continues the federate run {@code runId} from its last checkpoint, with the options it was started with. */
    public static Result resume(Lake lake, String runId, PrintWriter out) {
        Instant startedAt = Instant.now();
        Row row = new RunLog(lake).unfinished(runId, "federate");
        FederateRequest request = FederateRequest.fromConfig(Json.map(row.getAs("config_json")));
        return execute(lake, request, runId, true, startedAt, out);
    }

    private static Result execute(Lake lake, FederateRequest request, String runId, boolean resumed, Instant startedAt, PrintWriter out) {
        ClientDatasets.PlanInfo info = ClientDatasets.describe(lake, request.plan());
        ModelSpec model;
        try {
            int features = Arrays.stream(info.shape()).reduce(1, (a, b) -> a * b);
            model = ModelSpec.parse(request.model(), features, info.numClasses());
            request.settings(1_000_000).layers().validate(Simulation.layoutOf(model));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        int parallelism = lake.spark().sparkContext().defaultParallelism();
        int slices = request.slices() != null ? request.slices() : (info.numClients() <= 256 ? info.numClients() : 4 * parallelism);
        long t0 = System.nanoTime();
        ClientSource clients = ClientSource.of(ClientDatasets.load(lake, info, slices), info.numClients());
        try {
            RunSettings settings;
            try {
                settings = request.settings(clients.available().length);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            ClientData test = ClientDatasets.loadSplit(lake, info.dataset(), "test", info.shape(), info.numClasses(), 0, 0);
            ClientData sample = settings.decomposeEvery() == 0 ? null : ClientDatasets.loadSplit(lake, info.dataset(), "train", info.shape(),
                    info.numClasses(), settings.decomposeSample(), Seeds.derive(settings.seed(), Streams.DECOMPOSITION_SAMPLE));
            Checkpoint checkpoint = resumed ? LakeSink.latestCheckpoint(lake, runId) : null;
            int perRound = Math.min(settings.clientsPerRound(), clients.available().length);
            out.printf("losslake federate: run %s%s, plan %s (%d clients with data, %,d examples; %,d test), %s (%,d parameters), %s, "
                            + "%d rounds x %d clients, %s; data loaded in %.1f s%n",
                    runId, !resumed ? "" : " (resumed" + (checkpoint == null ? " from the start" : " after round " + checkpoint.round()) + ")",
                    request.plan(), clients.available().length, clients.examples(), test.size(), model.describe(), model.parameterCount(),
                    request.strategyText(), settings.rounds(), perRound, settings.local().optimizer(), (System.nanoTime() - t0) / 1e9);
            String gpus = gpuNote(lake, request, settings, model);
            if (gpus != null) {
                out.println(gpus);
            }
            out.flush();
            if (resumed) {
                LakeSink.discardAfter(lake, runId, checkpoint == null ? 0 : checkpoint.round());
            }
            SyntheticRounds synthetic = request.synthetic().run() == null ? null
                    : SyntheticSets.load(lake, request.synthetic(), request.plan(), info, clients.available());
            if (synthetic != null) {
                int examples = synthetic.sets().values().stream().mapToInt(s -> s.size()).sum();
                out.printf("synthetic sets of distill run %s: %,d examples over %d clients; the server fine-tunes on the union it holds, %d epochs "
                                + "per round at rate %s%s%n", request.synthetic().run(), examples, synthetic.sets().size(), request.synthetic().epochs(),
                        request.synthetic().lr(), request.synthetic().augment() ? " with DSA" : "");
            }
            Simulation simulation = new Simulation(new Simulation.Setup(runId, settings, model, clients.available(), test, sample, synthetic));
            RunLog.Start start = new RunLog.Start(runId, "federate", settings.seed(), info.dataset() + " / " + request.plan(),
                    Json.of(request.toConfig()), startedAt);
            RoundProgress progress = new RoundProgress(out, settings.rounds());
            List<RoundMetrics> history = new ArrayList<>();
            Summary summary = new RunLog(lake).record(start, resumed, Version.current(), () -> {
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
                try (ClientExecutor executor = FederateRequest.DL4J_SPARK.equals(request.engine())
                        ? new Dl4jSparkExecutor(jsc, clients, model, settings)
                        : new SparkExecutor(jsc, clients, simulation.clientRunner(), sample, runId, request.strategy() + ", " + settings.rounds() + " rounds");
                     LakeSink sink = new LakeSink(lake, runId, true, simulation.keepsClientState(), request.commitEvery())) {
                    simulation.run(executor, sink, checkpoint, (m, weights) -> {
                        history.add(m);
                        progress.round(m);
                    });
                }
                return summarise(lake, runId, history);
            }, done -> RunLog.Ending.succeeded(done.figures()));
            if (!history.isEmpty()) {
                progress.summary(runId, history, RunLog.secondsSince(startedAt), lake.path(Tables.RUNS), lake.path(Tables.ROUND_METRICS));
            }
            return summary.result();
        } finally {
            clients.release();
        }
    }

    /**
     * One line when the executors are given GPUs (spark.executor.resource.gpu.amount) that this run
     * will not use, else null: the jar has ND4J's CPU backend, or the fused trainer, which is CPU
     * code, trains the model (dl4j-spark's engine always trains through DL4J). It does not switch
     * trainers: the trainer is part of the run's recorded configuration.
     */
    private static String gpuNote(Lake lake, FederateRequest request, RunSettings settings, ModelSpec model) {
        String amount = lake.spark().conf().get("spark.executor.resource.gpu.amount", "0");
        boolean gpus;
        try {
            gpus = Double.parseDouble(amount) > 0;
        } catch (NumberFormatException e) {
            return null; // Spark itself refuses such a value when it starts executors
        }
        if (!gpus) {
            return null;
        }
        if (!io.losslake.federated.Nd4jDevices.cuda()) {
            return "note: the executors have GPUs, but this losslake.jar has ND4J's CPU backend, so clients train on their CPUs; "
                    + "build the jar with -Pgpu to train on the GPUs.";
        }
        if (!FederateRequest.DL4J_SPARK.equals(request.engine()) && settings.local().fusedFor(model)) {
            return "note: the fused trainer runs on the executors' CPUs and leaves their GPUs idle; --trainer dl4j trains on the GPUs.";
        }
        return null;
    }

    /** The run's result and the figures its runs row holds. */
    private record Summary(Result result, Map<String, Object> figures) {
    }

    /** Figures over every round of the run in the lake (a resumed run's earlier rounds included). */
    private static Summary summarise(Lake lake, String runId, List<RoundMetrics> history) {
        List<Row> all = lake.read(Tables.ROUND_METRICS).where(col("run_id").equalTo(runId))
                .select("round", "test_accuracy", "test_loss", "train_flops").orderBy("round").collectAsList();
        double best = all.stream().filter(r -> !r.isNullAt(1)).mapToDouble(r -> r.getDouble(1)).max().orElse(Double.NaN);
        Row last = all.get(all.size() - 1);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("rounds", all.size());
        figures.put("final_test_accuracy", last.isNullAt(1) ? null : last.getDouble(1));
        figures.put("final_test_loss", last.isNullAt(2) ? null : last.getDouble(2));
        figures.put("best_test_accuracy", best);
        figures.put("train_flops", last.isNullAt(3) ? null : last.getDouble(3));
        return new Summary(new Result(runId, List.copyOf(history), best, last.isNullAt(1) ? Double.NaN : last.getDouble(1)), figures);
    }
}
