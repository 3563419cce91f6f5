package io.losslake.spark.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.losslake.data.ClientData;
import io.losslake.data.DatasetException;
import io.losslake.federated.LayerPolicy;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.ParamLayout;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.strategy.Strategies;
import io.losslake.spark.LakeSession;
import io.losslake.spark.Version;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.federated.ClientSource;
import io.losslake.spark.federated.FederatedEngine;
import io.losslake.spark.federated.LakeState;
import io.losslake.spark.federated.RoundMetrics;
import io.losslake.spark.federated.RunSettings;
import io.losslake.spark.federated.Streams;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake federate}: federated training over a partition plan in the lake, resumable. */
@Command(name = "federate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs federated rounds over a partition plan prepared in the lake ('losslake prepare'): each round samples",
            "clients (seeded), trains them in Spark tasks with DL4J, aggregates with the strategy on the driver and writes",
            "round_metrics, client_metrics, client_state and a checkpoint. A killed run continues with --resume RUN_ID and",
            "ends with exactly the metrics an uninterrupted run would have."},
        footer = {"", "Strategies and their options (defaults):",
            "  fedavg                         example-weighted mean (McMahan et al. 2017)",
            "  fedprox      --mu 0.01         proximal term (mu/2)||w - w_global||^2 on clients (Li et al. 2020)",
            "  fedavgm      --server-lr 1 --server-momentum 0.9     server momentum (Hsu et al. 2019)",
            "  fedadagrad   --server-lr 0.1 --tau 0.001             (Reddi et al. 2021)",
            "  fedadam      --server-lr 0.1 --beta1 0.9 --beta2 0.99 --tau 0.001",
            "  fedyogi      --server-lr 0.01 --beta1 0.9 --beta2 0.99 --tau 0.001",
            "  fedmedian                      coordinate-wise median (Yin et al. 2018)",
            "  fedtrimmedavg --trim 0.2       coordinate-wise trimmed mean",
            "  scaffold     --server-lr 1     control variates, option II (Karimireddy et al. 2020)",
            "  fedld        --margin-lambda 0.1 --margin-norm sample|batch --k-proportion 0.8   (Zeng et al. 2024)",
            "Exit status: 0 done, 1 failed, 2 bad input (nothing written)."})
public final class FederateCommand implements Callable<Integer> {
    private static final Set<String> NOT_REPLAYED = Set.of("lake", "master", "conf", "config", "resume");

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values, e.g. conf/federate/fmnist-dirichlet.yaml.")
    Path config;

    @Option(names = "--plan", description = "The partition plan (partition_id) to train on; see 'losslake partitions list'.")
    String plan;

    @Option(names = "--model", defaultValue = "mlp:200", description = "mlp:<w>[,<w>...], cnn (NIID-Bench's CNN) or cnn:<c1>,<c2>/<h1>,<h2>. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--rounds", defaultValue = "20", description = "Communication rounds. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--clients-per-round", description = "Clients sampled per round. Default: all (or --fraction).")
    Integer clientsPerRound;

    @Option(names = "--fraction", description = "Share of the clients sampled per round, rounded up (instead of --clients-per-round).")
    Double fraction;

    @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs per round. Default: ${DEFAULT-VALUE}.")
    int localEpochs;

    @Option(names = "--local-steps", defaultValue = "0", description = "Local optimiser steps per round instead of epochs (0: use epochs). Default: ${DEFAULT-VALUE}.")
    int localSteps;

    @Option(names = "--batch-size", defaultValue = "32", description = "Local minibatch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "nesterov", description = "sgd, nesterov, momentum (heavy-ball, as PyTorch's SGD; fused trainer) or adam. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.02", description = "Local learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum of nesterov and momentum. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--engine", defaultValue = RunSettings.ENGINE, description = {
        "losslake (our rounds) or dl4j-spark: plain FedAvg through DL4J's own ParameterAveragingTrainingMaster, one worker per",
        "sampled client, for cross-checking FedAvg on IID data. Default: ${DEFAULT-VALUE}."})
    String engine;

    @Option(names = "--trainer", defaultValue = "fused", description = "fused (MLPs and the CNN on Java arrays and OpenBLAS, DL4J's layout and update rules) or dl4j. Default: ${DEFAULT-VALUE}.")
    String trainer;

    @Option(names = "--strategy", defaultValue = "fedavg", description = "Aggregation strategy (see below). Default: ${DEFAULT-VALUE}.")
    String strategy;

    @Option(names = "--mu", description = "fedprox: proximal weight.")
    String mu;
    @Option(names = "--server-lr", description = "fedavgm, fedadagrad, fedadam, fedyogi, scaffold: server step size.")
    String serverLr;
    @Option(names = "--server-momentum", description = "fedavgm: server momentum.")
    String serverMomentum;
    @Option(names = "--beta1", description = "fedadam, fedyogi: first-moment decay.")
    String beta1;
    @Option(names = "--beta2", description = "fedadam, fedyogi: second-moment decay.")
    String beta2;
    @Option(names = "--tau", description = "fedadagrad, fedadam, fedyogi: adaptivity.")
    String tau;
    @Option(names = "--trim", description = "fedtrimmedavg: fraction cut from each end.")
    String trim;
    @Option(names = "--margin-lambda", description = "fedld: weight of the margin-control term.")
    String marginLambda;
    @Option(names = "--margin-norm", description = "fedld: sample (per example, the paper) or batch (the reference code).")
    String marginNorm;
    @Option(names = "--k-proportion", description = "fedld: share of principal directions kept.")
    String kProportion;

    @Option(names = "--personal-layers", split = ",", paramLabel = "LAYERS",
            description = "Layer indices kept by each client (FedPer/LG-FedAvg-style), e.g. 6 for the CNN's output layer; see the layer list printed at start.")
    List<Integer> personalLayers = new ArrayList<>();

    @Option(names = "--holdout", description = "Share of each client's examples held out to evaluate the global and personalised models. Default: 0.2 with --personal-layers, else 0.")
    Double holdout;

    @Option(names = "--dropout", defaultValue = "0", description = "Probability that a sampled client drops out of a round (seeded). Default: ${DEFAULT-VALUE}.")
    double dropout;

    @Option(names = "--straggle", defaultValue = "0", description = "Probability that a sampled client straggles: does 10-100%% of its local work (seeded). Default: ${DEFAULT-VALUE}.")
    double straggle;

    @Option(names = "--drop-stragglers", defaultValue = "false", description = "Treat stragglers as failures instead of aggregating their partial work. Default: ${DEFAULT-VALUE}.")
    boolean dropStragglers;

    @Option(names = "--decompose-every", description = "Record FedLD's loss decomposition every this many rounds (0: never). Default: 1 (0 with --engine dl4j-spark).")
    Integer decomposeEvery;

    @Option(names = "--decompose-sample", defaultValue = "2000", description = "Size of the fixed sample of training data for L(w). Default: ${DEFAULT-VALUE}.")
    int decomposeSample;

    @Option(names = "--eval-every", defaultValue = "1", description = "Evaluate the global model on the test split every this many rounds. Default: ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--slices", description = "Spark partitions the clients are cached in. Default: one per client up to 256 clients, else 4 per core.")
    Integer slices;

    @Option(names = "--commit-every", paramLabel = "SECONDS", defaultValue = "10", description = {
        "Commit finished rounds' rows (round_metrics, client_metrics, checkpoints) to the lake together at most this often,",
        "and after the last round; 0: every round. A killed run resumes from its last committed round. Default: ${DEFAULT-VALUE}."})
    double commitEvery;

    @Option(names = "--seed", defaultValue = "42", description = "Run seed: sampling, dropouts, initial weights, batch order. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--resume", paramLabel = "RUN_ID", description = "Continue a killed run from its last checkpoint, with its own settings.")
    String resume;

    @Mixin
    SparkOptions sparkOptions;

    /** A finished run's figures. */
    public record Outcome(String runId, List<RoundMetrics> rounds, double bestAccuracy, double finalAccuracy) {
    }

    /** Parses federate's command line (without the command name) and runs it in this JVM, for benches and tools. */
    public static Outcome run(List<String> args, PrintWriter out) {
        FederateCommand run = new FederateCommand();
        CommandLine cli = new CommandLine(run);
        cli.setOverwrittenOptionsAllowed(true);
        try {
            cli.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        run.spec = cli.getCommandSpec();
        return run.execute(out);
    }

    @Override
    public Integer call() {
        execute(spec.commandLine().getOut());
        return 0;
    }

    /** Runs (or resumes) one federated run and returns its figures. */
    public Outcome execute(PrintWriter out) {
        Instant startedAt = Instant.now();
        if (!(commitEvery >= 0) || Double.isInfinite(commitEvery)) {
            throw new UserInputException("Invalid --commit-every " + commitEvery + ": expected 0 or more seconds.");
        }
        if (resume == null) {
            settings(1_000_000); // everything checkable without Spark, checked before Spark starts
            if (plan == null) {
                throw new UserInputException("federate needs --plan (a partition plan from 'losslake prepare'; 'losslake partitions list' shows them).");
            }
        }
        try (LakeSession session = LakeSession.open("losslake federate", sparkOptions)) {
            Lake lake = new Lake(session.spark(), session.qualifyLake(sparkOptions.lake()));
            RunLog runs = new RunLog(lake);
            FederateCommand run = this;
            String runId;
            LakeState.Checkpoint checkpoint = null;
            if (resume != null) {
                Row row = runs.find(resume);
                if (row == null) {
                    throw new UserInputException("--resume " + resume + ": the lake " + lake.root() + " has no run with that id.");
                }
                if (!"federate".equals(row.getAs("command"))) {
                    throw new UserInputException("--resume " + resume + ": that run is a '" + row.getAs("command") + "' run; only federate runs resume.");
                }
                if (RunLog.SUCCEEDED.equals(row.getAs("status"))) {
                    throw new UserInputException("--resume " + resume + ": that run already finished.");
                }
                run = replay(row.getAs("config_json"));
                runId = resume;
                checkpoint = new LakeState(lake, runId).latestCheckpoint();
            } else {
                runId = RunLog.newRunId(startedAt);
            }
            RunSettings draft = run.settings(1_000_000);
            ClientDatasets.PlanInfo info = ClientDatasets.describe(lake, run.plan);
            ModelSpec modelSpec;
            try {
                int features = java.util.Arrays.stream(info.shape()).reduce(1, (a, b) -> a * b);
                modelSpec = ModelSpec.parse(run.model, features, info.numClasses());
                ParamLayout layout = FederatedEngine.layoutOf(modelSpec, draft);
                draft.layers().validate(layout);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            int parallelism = session.spark().sparkContext().defaultParallelism();
            int slices = run.slices != null ? run.slices : (info.numClients() <= 256 ? info.numClients() : 4 * parallelism);
            if (slices < 1) {
                throw new UserInputException("Invalid --slices " + slices + ": expected at least 1.");
            }
            long t0 = System.nanoTime();
            ClientSource clients = ClientSource.of(ClientDatasets.load(lake, info, slices), info.numClients());
            RunSettings settings = run.settings(clients.available().length);
            ClientData test = ClientDatasets.loadSplit(lake, info.dataset(), "test", info.shape(), info.numClasses(), 0, 0);
            ClientData sample = settings.decomposeEvery() == 0 ? null : ClientDatasets.loadSplit(lake, info.dataset(), "train", info.shape(),
                    info.numClasses(), settings.decomposeSample(), io.losslake.data.Seeds.derive(settings.seed(), Streams.DECOMPOSITION_SAMPLE));
            int perRound = Math.min(settings.clientsPerRound(), clients.available().length);
            out.printf("losslake federate: run %s%s, plan %s (%d clients with data, %,d examples; %,d test), %s (%,d parameters), %s, "
                            + "%d rounds x %d clients, %s; data loaded in %.1f s%n",
                    runId, resume == null ? "" : " (resumed" + (checkpoint == null ? " from the start" : " after round " + checkpoint.round()) + ")",
                    run.plan, clients.available().length, clients.examples(), test.size(), modelSpec.describe(), modelSpec.parameterCount(),
                    strategyText(settings), settings.rounds(), perRound, settings.local().optimizer(), (System.nanoTime() - t0) / 1e9);
            out.flush();

            LakeState state = new LakeState(lake, runId);
            if (resume == null) {
                runs.start(new RunLog.Start(runId, "federate", settings.seed(), info.dataset() + " / " + run.plan,
                        Json.options(run.spec), startedAt), Version.current());
            } else {
                state.discardAfter(checkpoint == null ? 0 : checkpoint.round());
                runs.markRunning(runId);
            }
            RoundProgress progress = new RoundProgress(out, settings.rounds());
            List<RoundMetrics> history = new ArrayList<>();
            try {
                FederatedEngine.run(lake, new FederatedEngine.Setup(runId, settings, modelSpec, clients, test, sample, true, commitEvery), checkpoint, (m, weights) -> {
                    history.add(m);
                    progress.round(m);
                });
            } catch (RuntimeException e) {
                runs.finish(runId, RunLog.FAILED, Instant.now(), seconds(startedAt), null, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                clients.release();
            }
            List<Row> all = lake.read(Tables.ROUND_METRICS).where(org.apache.spark.sql.functions.col("run_id").equalTo(runId))
                    .select("round", "test_accuracy", "test_loss", "train_flops").orderBy("round").collectAsList();
            double best = all.stream().filter(r -> !r.isNullAt(1)).mapToDouble(r -> r.getDouble(1)).max().orElse(Double.NaN);
            Row last = all.get(all.size() - 1);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("rounds", all.size());
            result.put("final_test_accuracy", last.isNullAt(1) ? null : last.getDouble(1));
            result.put("final_test_loss", last.isNullAt(2) ? null : last.getDouble(2));
            result.put("best_test_accuracy", best);
            result.put("train_flops", last.isNullAt(3) ? null : last.getDouble(3));
            runs.finish(runId, RunLog.SUCCEEDED, Instant.now(), seconds(startedAt), Json.of(result), null);
            if (!history.isEmpty()) {
                progress.summary(runId, history, seconds(startedAt), lake.path(Tables.RUNS), lake.path(Tables.ROUND_METRICS));
            }
            return new Outcome(runId, history, best, last.isNullAt(1) ? Double.NaN : last.getDouble(1));
        }
    }

    private static String strategyText(RunSettings settings) {
        Map<String, String> options = new java.util.TreeMap<>(Strategies.optionsOf(settings.strategy()));
        options.putAll(settings.strategyOptions());
        return settings.strategy() + (options.isEmpty() ? "" : options.toString().replace("{", "(").replace("}", ")"));
    }

    /** The run's settings from the options, for a plan with {@code availableClients} clients holding data. */
    RunSettings settings(int availableClients) {
        try {
            Map<String, String> options = new LinkedHashMap<>();
            put(options, "mu", mu);
            put(options, "server-lr", serverLr);
            put(options, "server-momentum", serverMomentum);
            put(options, "beta1", beta1);
            put(options, "beta2", beta2);
            put(options, "tau", tau);
            put(options, "trim", trim);
            put(options, "margin-lambda", marginLambda);
            put(options, "margin-norm", marginNorm);
            put(options, "k-proportion", kProportion);
            Strategies.validate(strategy, options);
            ModelSpec.parse(model, 784, 10).describe(); // the spelling; sizes come from the plan
            if (clientsPerRound != null && fraction != null) {
                throw new IllegalArgumentException("Give either --clients-per-round or --fraction, not both.");
            }
            if (fraction != null && !(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("Invalid --fraction " + fraction + ": expected a share in (0, 1].");
            }
            LayerPolicy layers = new LayerPolicy(new TreeSet<>(personalLayers));
            double held = holdout != null ? holdout : (layers.isPersonalised() ? 0.2 : 0);
            int perRound = fraction != null ? (int) Math.max(1, Math.ceil(fraction * availableClients))
                    : clientsPerRound != null ? clientsPerRound : availableClients;
            return new RunSettings(rounds, perRound, new LocalTraining(localEpochs, localSteps, batchSize,
                    new OptimizerSpec(optimizer, learningRate, momentum), trainer), strategy.toLowerCase(java.util.Locale.ROOT), options, layers,
                    dropout, straggle, dropStragglers, decomposeEvery != null ? decomposeEvery : RunSettings.DL4J_SPARK.equals(engine) ? 0 : 1,
                    decomposeSample, held, evalEvery, seed, engine);
        } catch (IllegalArgumentException | DatasetException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** A command with the options a run was started with, to resume it exactly. */
    private FederateCommand replay(String configJson) {
        Map<String, Object> stored;
        try {
            stored = new ObjectMapper().readValue(configJson, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("the run's stored configuration is not readable JSON", e);
        }
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, Object> e : stored.entrySet()) {
            Object value = e.getValue();
            if (NOT_REPLAYED.contains(e.getKey()) || value == null) {
                continue;
            }
            if (value instanceof List<?> list) {
                if (!list.isEmpty()) {
                    args.add("--" + e.getKey() + "=" + String.join(",", list.stream().map(String::valueOf).toList()));
                }
            } else {
                args.add("--" + e.getKey() + "=" + value);
            }
        }
        FederateCommand replayed = new FederateCommand();
        CommandLine cli = new CommandLine(replayed);
        cli.parseArgs(args.toArray(String[]::new));
        replayed.sparkOptions = sparkOptions;
        replayed.spec = cli.getCommandSpec();
        return replayed;
    }

    private static double seconds(Instant since) {
        return (Instant.now().toEpochMilli() - since.toEpochMilli()) / 1000.0;
    }
}
