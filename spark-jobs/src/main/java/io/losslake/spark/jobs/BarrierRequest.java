package io.losslake.spark.jobs;

import io.losslake.federated.barrier.AlphaGrid;
import io.losslake.federated.barrier.Barriers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Barriers between two models of a federate run ({@code losslake barrier}); each component is the
 * option of the same name.
 *
 * @param runId   the federate run whose models are compared
 * @param round   its round (null: its last checkpoint)
 * @param between the two models: {@code global}, {@code client:<id>} or {@code run:<run_id>}, comma-separated;
 *                one {@code run:<run_id>} alone means {@code global,run:<run_id>}
 * @param on      {@code test} or {@code client:<id>}
 * @param sample  test examples evaluated (a seeded sample); 0 for the whole split
 * @param orders  cumulative orders: shallow, deep, random
 * @param seed    for the random order and the test sample
 * @param plots   folder for the PNG and SVG figures, or null
 */
public record BarrierRequest(String runId, Integer round, String between, String on, String alphas, boolean layers, List<String> orders,
                             int sample, long seed, Path plots) {
    public BarrierRequest {
        orders = List.copyOf(orders);
    }

    /** One side of the pair. */
    public record Model(String kind, String id) {
        public static final String GLOBAL = "global";
        public static final String CLIENT = "client";
        public static final String RUN = "run";

        public String describe() {
            return id == null ? kind : kind + ":" + id;
        }

        public int clientId() {
            return Integer.parseInt(id);
        }
    }

    /**
     * Checks everything that can be checked without reading the lake.
     *
     * @throws IllegalArgumentException one sentence naming the option and what was expected
     */
    public void check() {
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException("barrier needs --run: the federate run whose models are compared.");
        }
        if (round != null && round < 1) {
            throw new IllegalArgumentException("Invalid --round " + round + ": expected a round of the run, 1 or more.");
        }
        if (!drawOnly()) {
            pair();
        }
        evalSet();
        grid();
        cumulativeOrders();
        if (sample < 0) {
            throw new IllegalArgumentException("Invalid --sample " + sample + ": expected a number of test examples, or 0 for all of them.");
        }
    }

    /** Whether the request only draws the barriers the lake holds: a plot folder and no pair. */
    public boolean drawOnly() {
        return (between == null || between.isBlank()) && plots != null;
    }

    /** The two models. */
    public List<Model> pair() {
        if (between == null || between.isBlank()) {
            throw new IllegalArgumentException("barrier needs --between: the two models, e.g. global,client:3 (or --plots alone to draw the barriers "
                    + "the lake holds for the run).");
        }
        String text = between.trim();
        String[] parts = text.split(",");
        List<Model> models = new ArrayList<>();
        for (String p : parts) {
            models.add(model(p.trim(), "--between"));
        }
        if (models.size() == 1 && models.get(0).kind().equals(Model.RUN)) {
            models.add(0, new Model(Model.GLOBAL, null));
        }
        if (models.size() != 2) {
            throw new IllegalArgumentException("Invalid --between '" + between + "': expected two models, e.g. global,client:3 or client:3,client:7, "
                    + "or run:<run_id> for this run's and that run's global models.");
        }
        if (models.get(0).equals(models.get(1))) {
            throw new IllegalArgumentException("Invalid --between '" + between + "': a model against itself has no barrier; name two models.");
        }
        return models;
    }

    /** {@code test}, or the client whose examples the losses are measured on. */
    public Model evalSet() {
        String text = on == null ? "test" : on.trim().toLowerCase(Locale.ROOT);
        if (text.equals("test")) {
            return new Model("test", null);
        }
        if (!text.startsWith(Model.CLIENT + ":")) {
            throw new IllegalArgumentException("Invalid --on '" + on + "': expected test or client:<id>.");
        }
        return model(text, "--on");
    }

    public AlphaGrid grid() {
        return AlphaGrid.parse(alphas, "--alphas");
    }

    public List<Barriers.Variant> cumulativeOrders() {
        List<Barriers.Variant> out = new ArrayList<>();
        for (String o : orders) {
            if (o.isBlank() || o.trim().equalsIgnoreCase("none")) {
                continue;
            }
            try {
                out.add(Barriers.Variant.order(o));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid --cumulative '" + o + "': expected shallow, deep, random or none.");
            }
        }
        return out;
    }

    private static Model model(String text, String flag) {
        String t = text.toLowerCase(Locale.ROOT);
        String expected = "': expected global, client:<id> or run:<run_id>.";
        if (t.equals(Model.GLOBAL)) {
            return new Model(Model.GLOBAL, null);
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Invalid " + flag + " model '" + text + expected);
        }
        String kind = t.substring(0, colon);
        String id = text.substring(colon + 1).trim();
        if (kind.equals(Model.CLIENT)) {
            try {
                if (Integer.parseInt(id) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid " + flag + " model '" + text + "': a client is client:<id> with a client id, 0 or more.");
            }
            return new Model(Model.CLIENT, Integer.toString(Integer.parseInt(id)));
        }
        if (kind.equals(Model.RUN) && !id.isEmpty()) {
            return new Model(Model.RUN, id);
        }
        throw new IllegalArgumentException("Invalid " + flag + " model '" + text + expected);
    }

    /** The request as the runs table stores it: option names to values. */
    /** A stored barrier run's request (its {@code runs.config_json}, as {@link #toConfig} writes it), for {@code barrier --resume}. */
    public static BarrierRequest fromConfig(Map<String, Object> c) {
        List<String> orders = new java.util.ArrayList<>();
        if (c.get("cumulative") instanceof List<?> list) {
            list.forEach(v -> orders.add(String.valueOf(v)));
        }
        return new BarrierRequest(String.valueOf(c.get("run")), c.get("round") == null ? null : ((Number) c.get("round")).intValue(),
                c.get("between") == null ? null : String.valueOf(c.get("between")), String.valueOf(c.get("on")), String.valueOf(c.get("alphas")),
                Boolean.TRUE.equals(c.get("layers")), orders, ((Number) c.get("sample")).intValue(), ((Number) c.get("seed")).longValue(),
                c.get("plots") == null ? null : Path.of(String.valueOf(c.get("plots"))));
    }

    public Map<String, Object> toConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("run", runId);
        c.put("round", round);
        c.put("between", between);
        c.put("on", on);
        c.put("alphas", alphas);
        c.put("layers", layers);
        c.put("cumulative", orders);
        c.put("sample", sample);
        c.put("seed", seed);
        c.put("plots", plots == null ? null : plots.toString());
        return c;
    }
}
