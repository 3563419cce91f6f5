package io.losslake.spark.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.losslake.data.partition.FeatureShift;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
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
 * A compute-budget sweep read from YAML: a grid of model x data budget x mode x seed on one dataset,
 * evaluated at log-spaced checkpoints on several evaluation sets.
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
 */
public record SweepSpec(String name, String dataset, List<String> models, List<Long> budgets, List<Long> seeds, List<Mode> modes,
                        int checkpoints, int batchSize, OptimizerSpec optimizer, String trainer, Map<String, FeatureShift> evalSets, int evalSample)
        implements java.io.Serializable {

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
            "optimizer", "lr", "momentum", "trainer", "eval-sets", "eval-sample");

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
        List<Long> budgets = list(yaml, "data-budgets", file).stream().map(v -> number(v, "data-budgets", file).longValue()).toList();
        if (budgets.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException(file + ": data-budgets must be positive numbers of examples.");
        }
        List<Long> seeds = yaml.containsKey("seeds") ? list(yaml, "seeds", file).stream().map(v -> number(v, "seeds", file).longValue()).toList()
                : List.of(1L);
        int checkpoints = yaml.containsKey("checkpoints") ? number(yaml.get("checkpoints"), "checkpoints", file).intValue() : 6;
        int batch = yaml.containsKey("batch-size") ? number(yaml.get("batch-size"), "batch-size", file).intValue() : 64;
        if (checkpoints < 1 || batch < 1) {
            throw new IllegalArgumentException(file + ": checkpoints and batch-size must be positive.");
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
        return new SweepSpec(name, string(yaml, "dataset", null, file), models, budgets, seeds, modes, checkpoints, batch, optimizer, trainer,
                evals, evalSample);
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

    /** Every run of the grid. */
    public List<SweepRun> runs() {
        List<SweepRun> out = new ArrayList<>();
        for (Mode mode : modes) {
            for (String model : models) {
                for (long budget : budgets) {
                    for (long seed : seeds) {
                        out.add(new SweepRun(mode, model, budget, seed));
                    }
                }
            }
        }
        return out;
    }

    /** One grid point. */
    public record SweepRun(Mode mode, String model, long budget, long seed) implements java.io.Serializable {
        public String key(String dataset) {
            return String.join("|", mode.kind(), model, Long.toString(budget), dataset, String.valueOf(mode.plan()), String.valueOf(mode.strategy()),
                    Long.toString(seed));
        }
    }
}
