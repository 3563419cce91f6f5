package io.losslake.spark.jobs;

import io.losslake.federated.LayerPolicy;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.barrier.AlphaGrid;
import io.losslake.federated.barrier.BarrierWatch;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.simulation.RunSettings;
import io.losslake.federated.strategy.Strategies;
import io.losslake.spark.federated.Dl4jSparkExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A federated run as asked for: what {@code losslake federate} parses its options into, and what
 * {@code compare}, {@code bench}, notebooks and tests hand to {@link FederateJob}. Each component is
 * the option of the same name; null means "not given" where the default depends on other options.
 *
 * @param strategyOptions the strategy's options as given (flag name without dashes to text)
 * @param engine          {@link #ENGINE} (our rounds as Spark tasks) or {@link #DL4J_SPARK}
 * @param slices          Spark partitions the clients are cached in; null: one per client up to 256 clients, else 4 per core
 * @param commitEvery     seconds between commits of finished rounds' rows (0: every round)
 * @param initSeed        seed of the initial weights; null: {@code seed}
 * @param barriers        barriers measured during the run, and the layer policy
 * @param synthetic       the clients' synthetic sets the server fine-tunes on every round ({@code --synthetic})
 */
public record FederateRequest(String plan, String model, int rounds, Integer clientsPerRound, Double fraction, int localEpochs, int localSteps,
                              int batchSize, String optimizer, double lr, double momentum, String engine, String trainer, String strategy,
                              Map<String, String> strategyOptions, List<Integer> personalLayers, Double holdout, double dropout, double straggle,
                              boolean dropStragglers, Integer decomposeEvery, int decomposeSample, int evalEvery, Integer slices, double commitEvery,
                              long seed, Long initSeed, BarrierOptions barriers, SyntheticOptions synthetic) {
    public static final String ENGINE = "losslake";
    public static final String DL4J_SPARK = "dl4j-spark";
    /** Config keys a stored run may hold that are not part of the request (where it ran, how it was started). */
    private static final Set<String> NOT_REQUEST = Set.of("lake", "master", "conf", "config", "resume");

    public FederateRequest {
        strategyOptions = Map.copyOf(strategyOptions == null ? Map.of() : strategyOptions);
        personalLayers = List.copyOf(personalLayers == null ? List.of() : personalLayers);
        barriers = barriers == null ? BarrierOptions.DEFAULT : barriers;
        synthetic = synthetic == null ? SyntheticOptions.NONE : synthetic;
    }

    /** The request without synthetic sets (as before {@code --synthetic} existed). */
    public FederateRequest(String plan, String model, int rounds, Integer clientsPerRound, Double fraction, int localEpochs, int localSteps,
                           int batchSize, String optimizer, double lr, double momentum, String engine, String trainer, String strategy,
                           Map<String, String> strategyOptions, List<Integer> personalLayers, Double holdout, double dropout, double straggle,
                           boolean dropStragglers, Integer decomposeEvery, int decomposeSample, int evalEvery, Integer slices, double commitEvery,
                           long seed, Long initSeed, BarrierOptions barriers) {
        this(plan, model, rounds, clientsPerRound, fraction, localEpochs, localSteps, batchSize, optimizer, lr, momentum, engine, trainer, strategy,
                strategyOptions, personalLayers, holdout, dropout, straggle, dropStragglers, decomposeEvery, decomposeSample, evalEvery, slices,
                commitEvery, seed, initSeed, barriers, SyntheticOptions.NONE);
    }

    /**
     * {@code --synthetic}, {@code --synthetic-method}, {@code --synthetic-epochs}, {@code --synthetic-lr},
     * {@code --synthetic-batch} and {@code --no-synthetic-augment}.
     *
     * @param run    the distill run whose sets the clients upload; null: none
     * @param method which of its sets (dm, ast or random); null: the run's method
     */
    public record SyntheticOptions(String run, String method, int epochs, double lr, int batch, boolean augment) {
        public static final SyntheticOptions NONE = new SyntheticOptions(null, null, 10, 0.01, 256, true);

        /** The server's fine-tuning; one sentence on a bad option. */
        public io.losslake.federated.distill.ServerTuning tuning() {
            return new io.losslake.federated.distill.ServerTuning(epochs, lr, batch, augment);
        }
    }

    /**
     * {@code --barriers-every}, {@code --barrier-clients}, {@code --barrier-alphas}, {@code --barrier-sample},
     * {@code --layer-policy}, {@code --barrier-threshold} and {@code --barrier-release}.
     *
     * @param release null: half the threshold
     */
    public record BarrierOptions(int every, int clients, String alphas, int sample, String layerPolicy, double threshold, Double release) {
        public static final String FIXED = "fixed";
        public static final String AUTO_BARRIER = "auto-barrier";
        public static final BarrierOptions DEFAULT = new BarrierOptions(0, 2, "midpoint", 1000, FIXED, 0.1, null);

        /** The engine-free settings; one sentence on a bad option. */
        public BarrierWatch watch() {
            String policy = layerPolicy == null ? FIXED : layerPolicy.trim().toLowerCase(Locale.ROOT);
            if (!policy.equals(FIXED) && !policy.equals(AUTO_BARRIER)) {
                throw new IllegalArgumentException("Invalid --layer-policy '" + layerPolicy + "': expected fixed (--personal-layers, if any) or auto-barrier.");
            }
            boolean auto = policy.equals(AUTO_BARRIER);
            return new BarrierWatch(every, clients, AlphaGrid.parse(alphas, "--barrier-alphas"), sample, auto ? threshold : Double.NaN,
                    auto ? (release != null ? release : threshold / 2) : Double.NaN);
        }
    }

    /** Every option at its default, on {@code plan}. */
    public static FederateRequest defaults(String plan) {
        return new FederateRequest(plan, "mlp:200", 20, null, null, 1, 0, 32, "nesterov", 0.02, 0.9, ENGINE, "fused", "fedavg", Map.of(),
                List.of(), null, 0, 0, false, null, 2000, 1, null, 10, 42, null, BarrierOptions.DEFAULT);
    }

    /** This request with another strategy and its options. */
    public FederateRequest withStrategy(String name, Map<String, String> options) {
        return new FederateRequest(plan, model, rounds, clientsPerRound, fraction, localEpochs, localSteps, batchSize, optimizer, lr, momentum,
                engine, trainer, name, options, personalLayers, holdout, dropout, straggle, dropStragglers, decomposeEvery, decomposeSample,
                evalEvery, slices, commitEvery, seed, initSeed, barriers, synthetic);
    }

    /** This request with another seed. */
    public FederateRequest withSeed(long newSeed) {
        return new FederateRequest(plan, model, rounds, clientsPerRound, fraction, localEpochs, localSteps, batchSize, optimizer, lr, momentum,
                engine, trainer, strategy, strategyOptions, personalLayers, holdout, dropout, straggle, dropStragglers, decomposeEvery,
                decomposeSample, evalEvery, slices, commitEvery, newSeed, initSeed, barriers, synthetic);
    }

    /**
     * Checks everything that can be checked without Spark or the lake.
     *
     * @throws IllegalArgumentException one sentence naming the option and what was expected
     */
    public void check() {
        if (plan == null) {
            throw new IllegalArgumentException("federate needs --plan (a partition plan from 'losslake prepare'; 'losslake partitions list' shows them).");
        }
        if (!(commitEvery >= 0) || Double.isInfinite(commitEvery)) {
            throw new IllegalArgumentException("Invalid --commit-every " + commitEvery + ": expected 0 or more seconds.");
        }
        if (slices != null && slices < 1) {
            throw new IllegalArgumentException("Invalid --slices " + slices + ": expected at least 1.");
        }
        ModelSpec.parse(model, 784, 10); // the spelling; sizes come from the plan
        settings(1_000_000);
        if (synthetic.run() != null) {
            synthetic.tuning();
            if (synthetic.method() != null && !Set.of("dm", "ast", "random").contains(synthetic.method())) {
                throw new IllegalArgumentException("Invalid --synthetic-method '" + synthetic.method() + "': expected dm, ast or random.");
            }
        } else if (!synthetic.equals(SyntheticOptions.NONE)) {
            throw new IllegalArgumentException("--synthetic-method, --synthetic-epochs, --synthetic-lr, --synthetic-batch and --no-synthetic-augment "
                    + "need --synthetic RUN_ID (a distill run in this lake).");
        }
    }

    /**
     * The run's settings for a plan with {@code availableClients} clients holding data.
     *
     * @throws IllegalArgumentException one sentence naming the bad option
     */
    public RunSettings settings(int availableClients) {
        Strategies.validate(strategy, strategyOptions);
        if (clientsPerRound != null && fraction != null) {
            throw new IllegalArgumentException("Give either --clients-per-round or --fraction, not both.");
        }
        if (fraction != null && !(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("Invalid --fraction " + fraction + ": expected a share in (0, 1].");
        }
        if (!ENGINE.equals(engine) && !DL4J_SPARK.equals(engine)) {
            throw new IllegalArgumentException("Invalid --engine '" + engine + "': expected losslake or dl4j-spark.");
        }
        LayerPolicy layers = new LayerPolicy(new TreeSet<>(personalLayers));
        BarrierWatch watch = barriers.watch();
        double held = holdout != null ? holdout : (layers.isPersonalised() || watch.policy() ? 0.2 : 0);
        int perRound = fraction != null ? (int) Math.max(1, Math.ceil(fraction * availableClients))
                : clientsPerRound != null ? clientsPerRound : availableClients;
        RunSettings settings = new RunSettings(rounds, perRound, new LocalTraining(localEpochs, localSteps, batchSize,
                new OptimizerSpec(optimizer, lr, momentum), trainer), strategy.toLowerCase(Locale.ROOT), strategyOptions, layers,
                dropout, straggle, dropStragglers, decomposeEvery != null ? decomposeEvery : DL4J_SPARK.equals(engine) ? 0 : 1,
                decomposeSample, held, evalEvery, seed, watch, initSeed != null ? initSeed : seed);
        if (DL4J_SPARK.equals(engine)) {
            Dl4jSparkExecutor.refuseUnsupported(settings);
        }
        return settings;
    }

    /** The strategy and its effective options, e.g. {@code fedprox(mu=0.1)}. */
    public String strategyText() {
        Map<String, String> options = Strategies.optionsOf(strategy, strategyOptions);
        return strategy.toLowerCase(Locale.ROOT) + (options.isEmpty() ? "" : options.toString().replace("{", "(").replace("}", ")"));
    }

    /** The request as the runs table stores it: option names to values, strategy options among them. */
    public Map<String, Object> toConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("plan", plan);
        c.put("model", model);
        c.put("rounds", rounds);
        c.put("clients-per-round", clientsPerRound);
        c.put("fraction", fraction);
        c.put("local-epochs", localEpochs);
        c.put("local-steps", localSteps);
        c.put("batch-size", batchSize);
        c.put("optimizer", optimizer);
        c.put("lr", lr);
        c.put("momentum", momentum);
        c.put("engine", engine);
        c.put("trainer", trainer);
        c.put("strategy", strategy);
        c.putAll(new TreeMap<>(strategyOptions));
        c.put("personal-layers", personalLayers);
        c.put("holdout", holdout);
        c.put("dropout", dropout);
        c.put("straggle", straggle);
        c.put("drop-stragglers", dropStragglers);
        c.put("decompose-every", decomposeEvery);
        c.put("decompose-sample", decomposeSample);
        c.put("eval-every", evalEvery);
        c.put("slices", slices);
        c.put("commit-every", commitEvery);
        c.put("seed", seed);
        c.put("init-seed", initSeed);
        c.put("barriers-every", barriers.every());
        c.put("barrier-clients", barriers.clients());
        c.put("barrier-alphas", barriers.alphas());
        c.put("barrier-sample", barriers.sample());
        c.put("layer-policy", barriers.layerPolicy());
        c.put("barrier-threshold", barriers.threshold());
        c.put("barrier-release", barriers.release());
        c.put("synthetic", synthetic.run());
        c.put("synthetic-method", synthetic.method());
        c.put("synthetic-epochs", synthetic.epochs());
        c.put("synthetic-lr", synthetic.lr());
        c.put("synthetic-batch", synthetic.batch());
        c.put("synthetic-augment", synthetic.augment());
        return c;
    }

    /**
     * A stored run's request (its {@code runs.config_json}), to resume it exactly. Reads what
     * {@link #toConfig} writes and what earlier versions wrote (every option, null when not given).
     */
    public static FederateRequest fromConfig(Map<String, Object> c) {
        Set<String> strategyKeys = Strategies.catalog().byOption().keySet();
        Map<String, String> options = new TreeMap<>();
        for (Map.Entry<String, Object> e : c.entrySet()) {
            if (strategyKeys.contains(e.getKey()) && e.getValue() != null) {
                options.put(e.getKey(), String.valueOf(e.getValue()));
            } else if (!strategyKeys.contains(e.getKey()) && !NOT_REQUEST.contains(e.getKey()) && !defaults(null).toConfig().containsKey(e.getKey())) {
                throw new IllegalArgumentException("the stored configuration has an unknown key '" + e.getKey() + "'");
            }
        }
        List<Integer> layers = new ArrayList<>();
        if (c.get("personal-layers") instanceof List<?> list) {
            list.forEach(v -> layers.add(((Number) v).intValue()));
        }
        FederateRequest d = defaults(null);
        return new FederateRequest(text(c, "plan", d.plan), text(c, "model", d.model), integer(c, "rounds", d.rounds),
                optionalInteger(c, "clients-per-round"), optionalNumber(c, "fraction"), integer(c, "local-epochs", d.localEpochs),
                integer(c, "local-steps", d.localSteps), integer(c, "batch-size", d.batchSize), text(c, "optimizer", d.optimizer),
                number(c, "lr", d.lr), number(c, "momentum", d.momentum), text(c, "engine", d.engine), text(c, "trainer", d.trainer),
                text(c, "strategy", d.strategy), options, layers, optionalNumber(c, "holdout"), number(c, "dropout", d.dropout),
                number(c, "straggle", d.straggle), Boolean.TRUE.equals(c.get("drop-stragglers")), optionalInteger(c, "decompose-every"),
                integer(c, "decompose-sample", d.decomposeSample), integer(c, "eval-every", d.evalEvery), optionalInteger(c, "slices"),
                number(c, "commit-every", d.commitEvery), ((Number) c.getOrDefault("seed", d.seed)).longValue(),
                c.get("init-seed") == null ? null : ((Number) c.get("init-seed")).longValue(),
                new BarrierOptions(integer(c, "barriers-every", d.barriers.every()), integer(c, "barrier-clients", d.barriers.clients()),
                        text(c, "barrier-alphas", d.barriers.alphas()), integer(c, "barrier-sample", d.barriers.sample()),
                        text(c, "layer-policy", d.barriers.layerPolicy()), number(c, "barrier-threshold", d.barriers.threshold()),
                        optionalNumber(c, "barrier-release")),
                new SyntheticOptions(c.get("synthetic") == null ? null : String.valueOf(c.get("synthetic")),
                        c.get("synthetic-method") == null ? null : String.valueOf(c.get("synthetic-method")),
                        integer(c, "synthetic-epochs", d.synthetic.epochs()), number(c, "synthetic-lr", d.synthetic.lr()),
                        integer(c, "synthetic-batch", d.synthetic.batch()), !Boolean.FALSE.equals(c.get("synthetic-augment"))));
    }

    private static String text(Map<String, Object> c, String key, String fallback) {
        Object v = c.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    private static int integer(Map<String, Object> c, String key, int fallback) {
        Object v = c.get(key);
        return v == null ? fallback : ((Number) v).intValue();
    }

    private static double number(Map<String, Object> c, String key, double fallback) {
        Object v = c.get(key);
        return v == null ? fallback : ((Number) v).doubleValue();
    }

    private static Integer optionalInteger(Map<String, Object> c, String key) {
        Object v = c.get(key);
        return v == null ? null : ((Number) v).intValue();
    }

    private static Double optionalNumber(Map<String, Object> c, String key) {
        Object v = c.get(key);
        return v == null ? null : ((Number) v).doubleValue();
    }
}
