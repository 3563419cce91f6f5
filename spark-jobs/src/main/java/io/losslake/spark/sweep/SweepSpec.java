package io.losslake.spark.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.losslake.data.partition.FeatureShift;
import io.losslake.federated.LearningRateSchedule;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.simulation.Simulation;
import io.losslake.federated.strategy.Strategies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compute-budget sweep read from YAML on one dataset, evaluated at log-spaced checkpoints on
 * several evaluation sets. Two designs: a {@code grid} of model x data budget x mode x seed, or
 * {@code isoflop} (Hoffmann et al.'s and the DiT paper's): for each compute budget C, every model of
 * the family trained for D = C / (training FLOPs per example) examples, x mode x seed.
 *
 * @param name        the sweep's name (its rows in sweep_points carry it)
 * @param dataset     a prepared dataset in the lake
 * @param models      model spellings, e.g. mlp:16 ... mlp:256
 * @param budgets     data budgets: training examples seen per run
 * @param seeds       seeds per grid point
 * @param modes       centralised and/or federated settings
 * @param checkpoints log-spaced checkpoints per run
 * @param batchSize   minibatch size
 * @param optimizer   optimiser for every run
 * @param trainer     fused (MLPs on the fast path) or dl4j
 * @param evalSets    evaluation sets by name: "test", or a feature shift of the test split
 * @param evalSample  examples of each evaluation set used (a seeded sample; 0: all)
 * @param design      grid, or isoflop with its compute budgets
 * @param schedule    the learning-rate schedule of every run (over its steps, or a federated run's rounds)
 * @param lrRule      how the peak learning rate scales with model size
 */
public record SweepSpec(String name, String dataset, List<String> models, List<Long> budgets, List<Long> seeds, List<Mode> modes,
                        int checkpoints, int batchSize, OptimizerSpec optimizer, String trainer, Map<String, FeatureShift> evalSets, int evalSample,
                        Design design, LearningRateSchedule schedule, LrRule lrRule)
        implements java.io.Serializable {

    /**
     * Which runs the sweep trains.
     *
     * @param kind           {@code grid} or {@code isoflop}
     * @param computeBudgets isoflop: the budgets C in training FLOPs
     * @param minExamples    isoflop: a (budget, model) pair whose D falls below this is left out
     * @param maxExamples    isoflop: ... or above this (0: no limit)
     * @param minRatio       isoflop: ... or whose D / N falls below this (0: no limit); a window in D / N keeps each budget's
     *                       sizes around its optimum, as the compute-optimal D / N changes slowly with C
     * @param maxRatio       isoflop: ... or above this (0: no limit)
     */
    public record Design(String kind, List<Double> computeBudgets, long minExamples, long maxExamples, double minRatio, double maxRatio)
            implements java.io.Serializable {
        public static final Design GRID = new Design("grid", List.of(), 0, 0, 0, 0);

        /** Whether a run of {@code d} examples for {@code n} parameters lies within the design's limits. */
        public boolean keeps(long d, long n) {
            double ratio = (double) d / n;
            return d >= Math.max(1, minExamples) && (maxExamples == 0 || d <= maxExamples) && ratio >= minRatio
                    && (maxRatio == 0 || ratio <= maxRatio);
        }

        public boolean isoflop() {
            return kind.equals("isoflop");
        }
    }

    /**
     * The peak learning rate of a model of N parameters: {@code lr * (N / referenceParams)^exponent}
     * (exponent 0: the same rate for every size).
     */
    public record LrRule(double referenceParams, double exponent) implements java.io.Serializable {
        public static final LrRule CONSTANT = new LrRule(1, 0);

        public double rate(double lr, long params) {
            return exponent == 0 ? lr : lr * Math.pow(params / referenceParams, exponent);
        }
    }

    /**
     * A training mode: centralised, or federated over a plan with a strategy.
     *
     * @param clientsPerRound federated: clients per round
     * @param localSteps      federated: local steps per client per round
     */
    public record Mode(String kind, String plan, String strategy, Map<String, String> strategyOptions, int clientsPerRound, int localSteps)
            implements java.io.Serializable {
        public boolean federated() {
            return kind.equals("federated");
        }

        /** Examples seen per federated round. */
        public long examplesPerRound(int batchSize) {
            return (long) clientsPerRound * localSteps * batchSize;
        }
    }

    private static final Set<String> KEYS = Set.of("name", "dataset", "models", "data-budgets", "seeds", "modes", "checkpoints", "batch-size",
            "optimizer", "lr", "momentum", "trainer", "eval-sets", "eval-sample", "design", "compute-budgets", "min-examples", "max-examples",
            "schedule", "lr-scaling", "examples-per-param");

    /** Reads and validates a sweep file; every problem is one sentence naming the file. */
    @SuppressWarnings("unchecked")
    public static SweepSpec load(Path file) {
        Map<String, Object> yaml;
        try {
            yaml = new ObjectMapper(new YAMLFactory()).readValue(Files.readString(file), Map.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--config " + file + " does not exist; expected a sweep YAML file (see conf/sweeps/).");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("--config " + file + " is not valid YAML: " + io.losslake.spark.runtime.YamlErrors.describe(e) + ".");
        } catch (IOException e) {
            throw new IllegalArgumentException("--config " + file + " could not be read: " + e.getMessage() + ".");
        }
        if (yaml == null) {
            throw new IllegalArgumentException("--config " + file + " is empty; expected a sweep YAML file.");
        }
        for (String key : yaml.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": unknown key '" + key + "'; expected some of " + String.join(", ", KEYS.stream().sorted().toList()) + ".");
            }
        }
        String name = string(yaml, "name", null, file);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException(file + ": name '" + name + "' must be letters, digits, '.', '_' or '-'.");
        }
        List<String> models = list(yaml, "models", file).stream().map(String::valueOf).toList();
        for (String m : models) {
            ModelSpec.parse(m, 784, 10);
        }
        String designKind = string(yaml, "design", "grid", file);
        if (!designKind.equals("grid") && !designKind.equals("isoflop")) {
            throw new IllegalArgumentException(file + ": design '" + designKind + "' is not known; expected grid or isoflop.");
        }
        List<Long> budgets = List.of();
        Design design = Design.GRID;
        if (designKind.equals("grid")) {
            for (String key : List.of("compute-budgets", "min-examples", "max-examples", "examples-per-param")) {
                if (yaml.containsKey(key)) {
                    throw new IllegalArgumentException(file + ": '" + key + "' belongs to design: isoflop; a grid takes data-budgets.");
                }
            }
            budgets = list(yaml, "data-budgets", file).stream().map(v -> number(v, "data-budgets", file).longValue()).toList();
            if (budgets.stream().anyMatch(b -> b < 1)) {
                throw new IllegalArgumentException(file + ": data-budgets must be positive numbers of examples.");
            }
        } else {
            if (yaml.containsKey("data-budgets")) {
                throw new IllegalArgumentException(file + ": design: isoflop takes compute-budgets (FLOPs), not data-budgets; each run's D is C / (FLOPs per example).");
            }
            List<Double> compute = list(yaml, "compute-budgets", file).stream().map(v -> number(v, "compute-budgets", file).doubleValue()).toList();
            if (compute.stream().anyMatch(c -> !(c > 0) || c.isInfinite()) || compute.stream().distinct().count() != compute.size()) {
                throw new IllegalArgumentException(file + ": compute-budgets must be distinct positive numbers of training FLOPs.");
            }
            long min = yaml.containsKey("min-examples") ? number(yaml.get("min-examples"), "min-examples", file).longValue() : 0;
            long max = yaml.containsKey("max-examples") ? number(yaml.get("max-examples"), "max-examples", file).longValue() : 0;
            if (min < 0 || max < 0 || (max > 0 && max < min)) {
                throw new IllegalArgumentException(file + ": min-examples and max-examples must be 0 or more, with max-examples at least min-examples.");
            }
            double minRatio = 0;
            double maxRatio = 0;
            if (yaml.containsKey("examples-per-param")) {
                List<Object> window = list(yaml, "examples-per-param", file);
                if (window.size() != 2) {
                    throw new IllegalArgumentException(file + ": examples-per-param is [low, high], the window of D / N each budget keeps.");
                }
                minRatio = number(window.get(0), "examples-per-param", file).doubleValue();
                maxRatio = number(window.get(1), "examples-per-param", file).doubleValue();
                if (!(minRatio >= 0 && maxRatio > minRatio) || Double.isInfinite(maxRatio)) {
                    throw new IllegalArgumentException(file + ": examples-per-param [" + minRatio + ", " + maxRatio + "] must be 0 <= low < high.");
                }
            }
            design = new Design("isoflop", compute, min, max, minRatio, maxRatio);
        }
        List<Long> seeds = yaml.containsKey("seeds") ? list(yaml, "seeds", file).stream().map(v -> number(v, "seeds", file).longValue()).toList()
                : List.of(1L);
        int checkpoints = yaml.containsKey("checkpoints") ? number(yaml.get("checkpoints"), "checkpoints", file).intValue() : 6;
        int batch = yaml.containsKey("batch-size") ? number(yaml.get("batch-size"), "batch-size", file).intValue() : 64;
        if (checkpoints < 1 || batch < 1) {
            throw new IllegalArgumentException(file + ": checkpoints and batch-size must be positive.");
        }
        LearningRateSchedule schedule = schedule(yaml.get("schedule"), file);
        LrRule lrRule = LrRule.CONSTANT;
        if (yaml.get("lr-scaling") != null) {
            if (!(yaml.get("lr-scaling") instanceof Map<?, ?> rule) || !Set.of("reference-params", "exponent").containsAll(rule.keySet())
                    || !rule.containsKey("reference-params") || !rule.containsKey("exponent")) {
                throw new IllegalArgumentException(file + ": lr-scaling is {reference-params: N0, exponent: e}: the peak rate of a model of N parameters is lr * (N / N0)^e.");
            }
            lrRule = new LrRule(number(rule.get("reference-params"), "reference-params", file).doubleValue(),
                    number(rule.get("exponent"), "exponent", file).doubleValue());
            if (!(lrRule.referenceParams() > 0) || Double.isNaN(lrRule.exponent()) || Double.isInfinite(lrRule.exponent())) {
                throw new IllegalArgumentException(file + ": lr-scaling needs a positive reference-params and a finite exponent.");
            }
        }
        OptimizerSpec optimizer = new OptimizerSpec(string(yaml, "optimizer", "adam", file),
                yaml.containsKey("lr") ? number(yaml.get("lr"), "lr", file).doubleValue() : 0.001,
                yaml.containsKey("momentum") ? number(yaml.get("momentum"), "momentum", file).doubleValue() : 0);
        List<Mode> modes = new ArrayList<>();
        for (Object m : yaml.containsKey("modes") ? list(yaml, "modes", file) : List.of((Object) "centralised")) {
            if ("centralised".equals(m)) {
                modes.add(new Mode("centralised", null, null, Map.of(), 0, 0));
            } else if (m instanceof Map<?, ?> map && map.containsKey("federated")) {
                Map<String, Object> f = (Map<String, Object>) map.get("federated");
                Map<String, String> options = new LinkedHashMap<>();
                for (Map.Entry<String, Object> e : f.entrySet()) {
                    if (!Set.of("plan", "strategy", "clients-per-round", "local-steps").contains(e.getKey())) {
                        options.put(e.getKey(), String.valueOf(e.getValue()));
                    }
                }
                String strategy = String.valueOf(f.getOrDefault("strategy", "fedavg"));
                Strategies.validate(strategy, options);
                if (f.get("plan") == null) {
                    throw new IllegalArgumentException(file + ": a federated mode needs a plan (a partition plan from 'losslake prepare').");
                }
                modes.add(new Mode("federated", String.valueOf(f.get("plan")), strategy, options,
                        number(f.getOrDefault("clients-per-round", 10), "clients-per-round", file).intValue(),
                        number(f.getOrDefault("local-steps", 10), "local-steps", file).intValue()));
            } else {
                throw new IllegalArgumentException(file + ": each mode is 'centralised' or 'federated: {plan: ..., strategy: ...}', not " + m + ".");
            }
        }
        Map<String, FeatureShift> evals = new LinkedHashMap<>();
        for (Object e : yaml.containsKey("eval-sets") ? list(yaml, "eval-sets", file) : List.of((Object) "test")) {
            if ("test".equals(e)) {
                evals.put("test", null);
            } else if (e instanceof Map<?, ?> map && map.size() == 1) {
                Map.Entry<?, ?> only = map.entrySet().iterator().next();
                Map<String, Object> shift = (Map<String, Object>) only.getValue();
                evals.put(String.valueOf(only.getKey()), new FeatureShift(
                        number(shift.getOrDefault("noise", 0), "noise", file).doubleValue(),
                        number(shift.getOrDefault("rotation", 0), "rotation", file).doubleValue(),
                        number(shift.getOrDefault("brightness", 0), "brightness", file).doubleValue(), 0x5EEDL));
            } else {
                throw new IllegalArgumentException(file + ": each eval set is 'test' or '<name>: {rotation: .., noise: .., brightness: ..}', not " + e + ".");
            }
        }
        int evalSample = yaml.containsKey("eval-sample") ? number(yaml.get("eval-sample"), "eval-sample", file).intValue() : 2000;
        String trainer = string(yaml, "trainer", "fused", file);
        new io.losslake.federated.LocalTraining(1, 0, 1, optimizer, trainer); // validates the name
        // an isoflop design's sizes per budget depend on the dataset's shape: SweepJob checks them (checkIsoflop)
        return new SweepSpec(name, string(yaml, "dataset", null, file), models, budgets, seeds, modes, checkpoints, batch, optimizer,
                trainer, evals, evalSample, design, schedule, lrRule);
    }

    /** {@code constant}, {@code cosine}, or {@code {kind: cosine, final: 0.1, warmup: 0}}. */
    private static LearningRateSchedule schedule(Object value, Path file) {
        if (value == null || "constant".equals(value)) {
            return LearningRateSchedule.CONSTANT;
        }
        if ("cosine".equals(value)) {
            return LearningRateSchedule.COSINE;
        }
        if (value instanceof Map<?, ?> map && "cosine".equals(map.get("kind")) && Set.of("kind", "final", "warmup").containsAll(map.keySet())) {
            try {
                return new LearningRateSchedule("cosine", number(map.get("final") == null ? 0.1 : map.get("final"), "final", file).doubleValue(),
                        number(map.get("warmup") == null ? 0 : map.get("warmup"), "warmup", file).longValue(), 0);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": schedule: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException(file + ": schedule '" + value + "' is not known; expected constant, cosine, or {kind: cosine, final: 0.1, warmup: 0}.");
    }

    /**
     * Refuses an isoflop design that cannot support a parabola: every budget needs three or more
     * models whose D lies within [min-examples, max-examples].
     */
    public void checkIsoflop(int features, int classes, String where) {
        for (double c : design.computeBudgets()) {
            List<SweepRun> kept = isoflopRuns(modes.get(0), c, features, classes);
            if (kept.stream().map(SweepRun::model).distinct().count() < 3) {
                throw new IllegalArgumentException(where + ": compute budget " + String.format("%.3g", c) + " keeps " + kept.size()
                        + " model(s) within min-examples, max-examples and examples-per-param; an IsoFLOP profile needs at least 3 (add models or widen the limits).");
            }
        }
    }

    /** The isoflop runs of one budget and mode for seed 0 (before seeds multiply them). */
    private List<SweepRun> isoflopRuns(Mode mode, double c, int features, int classes) {
        List<SweepRun> out = new ArrayList<>();
        for (String model : models) {
            ModelSpec spec = ModelSpec.parse(model, features, classes);
            long d = Math.round(c / Simulation.trainingFlopsPerExample(spec));
            if (!design.keeps(d, spec.parameterCount())) {
                continue;
            }
            double lr = lrRule.rate(optimizer.learningRate(), spec.parameterCount());
            out.add(new SweepRun(mode, model, d, 0, c, lr, settingsFingerprint(mode, lr)));
        }
        return out;
    }

    private static String string(Map<String, Object> yaml, String key, String fallback, Path file) {
        Object v = yaml.get(key);
        if (v == null) {
            if (fallback == null) {
                throw new IllegalArgumentException(file + ": '" + key + "' is missing.");
            }
            return fallback;
        }
        return String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> yaml, String key, Path file) {
        Object v = yaml.get(key);
        if (!(v instanceof List<?> l) || l.isEmpty()) {
            throw new IllegalArgumentException(file + ": '" + key + "' must be a non-empty list.");
        }
        return (List<Object>) l;
    }

    private static Number number(Object v, String key, Path file) {
        if (v instanceof Number n) {
            return n;
        }
        try {
            return Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": '" + key + "' holds '" + v + "'; expected a number.");
        }
    }

    /** Every run of the sweep, for models of {@code features} inputs and {@code classes} outputs. */
    public List<SweepRun> runs(int features, int classes) {
        List<SweepRun> out = new ArrayList<>();
        for (Mode mode : modes) {
            if (design.isoflop()) {
                for (double c : design.computeBudgets()) {
                    for (SweepRun r : isoflopRuns(mode, c, features, classes)) {
                        for (long seed : seeds) {
                            out.add(new SweepRun(mode, r.model(), r.budget(), seed, c, r.lr(), r.settings()));
                        }
                    }
                }
                continue;
            }
            for (String model : models) {
                double lr = lrRule.rate(optimizer.learningRate(), ModelSpec.parse(model, features, classes).parameterCount());
                for (long budget : budgets) {
                    for (long seed : seeds) {
                        out.add(new SweepRun(mode, model, budget, seed, 0, lr, null));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Eight hex digits of SHA-256 over every setting besides (mode, model, D, dataset, plan, strategy,
     * seed) that changes an isoflop run's numbers: batch size, optimiser and its peak rate, trainer,
     * schedule, the federated mode's clients, local steps and strategy options, and the evaluation sets.
     */
    String settingsFingerprint(Mode mode, double lr) {
        String text = String.join(";", Integer.toString(batchSize), optimizer.name(), Double.toString(lr), Double.toString(optimizer.momentum()),
                trainer, schedule.kind(), Double.toString(schedule.finalFraction()), Long.toString(schedule.warmup()),
                Integer.toString(mode.clientsPerRound()), Integer.toString(mode.localSteps()), new java.util.TreeMap<>(mode.strategyOptions()).toString(),
                Integer.toString(evalSample), evalSets.toString(), Integer.toString(checkpoints));
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The optimiser of a run: the sweep's, at the run's peak rate. */
    public OptimizerSpec optimizerOf(SweepRun run) {
        return new OptimizerSpec(optimizer.name(), run.lr(), optimizer.momentum());
    }

    /**
     * One run of the sweep.
     *
     * @param budget     D: training examples to see
     * @param flopBudget isoflop: the compute budget C the run belongs to (0 in a grid)
     * @param lr         the peak learning rate (the sweep's lr under its lr-scaling rule)
     */
    public record SweepRun(Mode mode, String model, long budget, long seed, double flopBudget, double lr, String settings)
            implements java.io.Serializable {
        /**
         * The run's identity in sweep_points: mode, model, D, dataset, plan, strategy, seed; an isoflop run
         * adds a fingerprint of every setting that changes its numbers, so that an edited sweep file is
         * caught (see {@link SweepSpec#settingsFingerprint}) instead of silently reusing runs it no longer describes.
         */
        public String key(String dataset) {
            String key = String.join("|", mode.kind(), model, Long.toString(budget), dataset, String.valueOf(mode.plan()),
                    String.valueOf(mode.strategy()), Long.toString(seed));
            return settings == null ? key : key + "|" + settings;
        }
    }
}
