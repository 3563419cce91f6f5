package io.losslake.spark.report;

import static org.apache.spark.sql.functions.col;

import io.losslake.scaling.plot.Figure;
import io.losslake.spark.lake.Json;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code losslake report --run RUN_ID}: one self-contained HTML page for a run of the lake: its
 * {@code runs} row (status, timings, every option, the result), then what its command wrote:
 * a federated run's curves by round and against compute and communication, its loss decomposition,
 * its clients and barriers; a sweep's loss against compute per run and its final points; a fit's or
 * study's laws with their intervals; a distillation's evaluations; a barrier run's barriers.
 */
public final class ReportJob {
    /** Rows shown in one table at most; the page says when a table was cut. */
    static final int MAX_ROWS = 200;
    /** {@code --run latest}: the run that started last. */
    public static final String LATEST = "latest";

    private ReportJob() {
    }

    /** Writes the page of {@code runId} to {@code out} (a temporary file first, then moved: never half-written) and returns it. */
    public static Path run(Lake lake, String runId, Path out, PrintWriter log) {
        if (LATEST.equals(runId)) {
            List<Row> latest = lake.exists(Tables.RUNS) ? lake.read(Tables.RUNS).orderBy(col("started_at").desc(), col("run_id").desc()).limit(1)
                    .collectAsList() : List.of();
            if (latest.isEmpty()) {
                throw new UserInputException("--run latest: the lake " + lake.root() + " holds no run yet.");
            }
            runId = latest.get(0).getAs("run_id");
        }
        Row run = new RunLog(lake).find(runId);
        if (run == null) {
            throw new UserInputException("--run " + runId + ": the lake " + lake.root() + " has no run with that id ('SELECT run_id, command FROM runs' lists them).");
        }
        Path target = out != null ? out : Path.of("reports", runId + ".html");
        Path folder = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UserInputException("Invalid --out " + target + ": its folder cannot be created (" + e.getMessage() + ").", e);
        }
        String html = page(lake, run).html();
        try {
            Path tmp = Files.createTempFile(folder, ".report-", ".html.tmp");
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + target, e);
        }
        log.printf("losslake report: run %s (%s) -> %s (%,d bytes)%n", runId, run.<String>getAs("command"), target.toAbsolutePath(),
                html.getBytes(StandardCharsets.UTF_8).length);
        log.flush();
        return target;
    }

    static HtmlPage page(Lake lake, Row run) {
        String runId = run.getAs("run_id");
        String command = run.getAs("command");
        HtmlPage page = new HtmlPage("losslake " + command + " " + runId);
        page.heading("losslake " + command + ": run " + runId, run.getAs("dataset") + " · " + run.getAs("status") + " · lake " + lake.root());
        if (run.getAs("error") != null) {
            page.failure("Failed: " + run.getAs("error"));
        }
        Map<String, Object> about = new LinkedHashMap<>();
        for (String c : List.of("status", "started_at", "finished_at", "wall_seconds", "seed", "losslake_version", "spark_version", "spark_app_id")) {
            about.put(c, run.getAs(c));
        }
        page.section("Run").keyValues(about);
        switch (command) {
            case "federate", "pipeline" -> federated(lake, runId, page);
            case "sweep" -> sweep(lake, runId, page);
            case "fit", "fit-l2l", "study" -> fits(lake, runId, page);
            case "distill" -> distill(lake, runId, page);
            case "barrier" -> barriers(lake, runId, page, "Barriers");
            default -> page.note("A " + command + " run writes no per-run rows beyond its configuration and result.");
        }
        if (run.getAs("result_json") != null) {
            page.section("Result").keyValues(flatten(Json.map(run.getAs("result_json"))));
        }
        page.section("Configuration").keyValues(flatten(Json.map(run.getAs("config_json"))));
        return page;
    }

    private static void federated(Lake lake, String runId, HtmlPage page) {
        List<Row> rounds = rows(lake, Tables.ROUND_METRICS, runId, "round");
        if (rounds.isEmpty()) {
            page.note("round_metrics holds no round of this run yet.");
            return;
        }
        double[] round = column(rounds, "round");
        page.section("Rounds");
        Figure accuracy = new Figure("Test accuracy by round", "round", "test accuracy", false, false);
        Points acc = finite(round, column(rounds, "test_accuracy"));
        accuracy.line("global model", acc.x, acc.y, 0).points("", acc.x, acc.y, 0);
        page.figure(accuracy);

        Figure loss = new Figure("Loss by round", "round", "cross-entropy (nats)", false, false);
        Points p10 = finite(round, column(rounds, "client_loss_p10"));
        Points p90 = finite(round, column(rounds, "client_loss_p90"));
        if (p10.x.length > 0 && p10.x.length == p90.x.length) {
            loss.band("clients' training loss, p10-p90", p90.x, p10.y, p90.y, 1);
        }
        Points train = finite(round, column(rounds, "mean_client_train_loss"));
        Points test = finite(round, column(rounds, "test_loss"));
        loss.line("clients' mean training loss", train.x, train.y, 1).line("test loss", test.x, test.y, 0);
        page.figure(loss);

        Points compute = finite(column(rounds, "train_flops"), column(rounds, "test_loss"));
        if (compute.x.length > 1) {
            page.figure(new Figure("Test loss against training compute", "training FLOPs (cumulative)", "test loss (nats)", true, false)
                    .line("", compute.x, compute.y, 0).points("", compute.x, compute.y, 0));
        }
        double[] uploaded = cumulative(column(rounds, "uploaded_floats"));
        Points comms = finite(uploaded, column(rounds, "test_accuracy"));
        if (comms.x.length > 1) {
            page.figure(new Figure("Test accuracy against communication", "floats uploaded (cumulative)", "test accuracy", false, false)
                    .line("", comms.x, comms.y, 0).points("", comms.x, comms.y, 0));
        }
        Points local = finite(round, column(rounds, "decomp_local"));
        if (local.x.length > 0) {
            Points shift = finite(round, column(rounds, "decomp_shift"));
            Points aggregation = finite(round, column(rounds, "decomp_aggregation"));
            Points global = finite(round, column(rounds, "decomp_global"));
            page.section("Loss decomposition").note("FedLD's terms: local loss sum_i p_i L_i(w_i), distribution-shift loss "
                    + "sum_i p_i [L(w_i) - L_i(w_i)] and aggregation loss L(w̄) - sum_i p_i L(w_i), which sum to L(w̄).");
            page.figure(new Figure("Loss decomposition by round", "round", "nats", false, false)
                    .line("local", local.x, local.y, 2).line("distribution shift", shift.x, shift.y, 3)
                    .line("aggregation", aggregation.x, aggregation.y, 4).dashed("L(global)", global.x, global.y, 0));
        }
        table(page, rounds, List.of("round", "test_accuracy", "test_loss", "mean_client_train_loss", "clients", "clients_sampled",
                "clients_dropped", "clients_rejected", "examples_trained", "train_flops", "uploaded_floats", "synthetic_floats", "wall_seconds"));

        List<Row> clients = lake.exists(Tables.CLIENT_METRICS) ? lake.read(Tables.CLIENT_METRICS).where(col("run_id").equalTo(runId))
                .groupBy("client_id").agg(org.apache.spark.sql.functions.count("round").as("rounds_sampled"),
                        org.apache.spark.sql.functions.max("examples").as("examples"),
                        org.apache.spark.sql.functions.avg("train_loss").as("mean_train_loss"),
                        org.apache.spark.sql.functions.avg("update_norm").as("mean_update_norm"),
                        org.apache.spark.sql.functions.avg("compute_seconds").as("mean_compute_seconds"))
                .orderBy("client_id").collectAsList() : List.of();
        if (!clients.isEmpty()) {
            page.section("Clients").note("Per client over the rounds that sampled it: how much data it holds and how its local training went; "
                    + "a wide spread of losses or update norms is the data's heterogeneity at work.");
            Points spread = finite(column(clients, "examples"), column(clients, "mean_train_loss"));
            if (spread.x.length > 1) {
                page.figure(new Figure("Clients: data held against mean local training loss", "training examples held", "mean local training loss",
                        false, false).points("a client", spread.x, spread.y, 0));
            }
            table(page, clients, List.of("client_id", "rounds_sampled", "examples", "mean_train_loss", "mean_update_norm", "mean_compute_seconds"));
        }
        barriers(lake, runId, page, "Barriers during the run");
    }

    private static void sweep(Lake lake, String runId, HtmlPage page) {
        if (!lake.exists(Tables.SWEEP_POINTS)) {
            page.note("sweep_points holds no point of this run.");
            return;
        }
        Dataset<Row> points = lake.read(Tables.SWEEP_POINTS).where(col("run_id").equalTo(runId));
        List<Row> test = points.where(col("eval_set").equalTo("test")).orderBy("run_key", "step").collectAsList();
        page.section("Loss against compute");
        Map<String, List<Row>> byRun = new TreeMap<>();
        test.forEach(r -> byRun.computeIfAbsent(r.getAs("run_key"), k -> new ArrayList<>()).add(r));
        Map<String, Integer> groups = new TreeMap<>();
        test.forEach(r -> groups.putIfAbsent(r.getAs("model"), groups.size()));
        Figure figure = new Figure("Test loss against training compute, one line per run", "training FLOPs", "test loss (nats)", true, true);
        java.util.Set<String> named = new java.util.HashSet<>();
        for (List<Row> one : byRun.values()) {
            String model = one.get(0).getAs("model");
            Points p = finite(column(one, "flops"), column(one, "loss"));
            figure.line(named.add(model) ? model : "", p.x, p.y, groups.get(model));
        }
        if (!test.isEmpty()) {
            page.figure(figure);
        } else {
            page.note("This sweep recorded no test loss.");
        }
        Dataset<Row> last = Arrays.asList(points.columns()).contains("final") ? points.where(col("final").equalTo(true).or(col("final").isNull())) : points;
        List<Row> finals = last.orderBy("mode", "params", "data_budget", "seed", "eval_set", "step")
                .collectAsList();
        page.section("Points");
        table(page, finals, List.of("mode", "model", "params", "plan", "strategy", "seed", "data_budget", "flop_budget", "step", "examples", "flops",
                "eval_set", "loss", "accuracy"));
    }

    private static void fits(Lake lake, String runId, HtmlPage page) {
        List<Row> fits = rows(lake, Tables.SCALING_FITS, runId, "form");
        page.section("Fitted laws");
        if (fits.isEmpty()) {
            page.note("scaling_fits holds no law of this run.");
            return;
        }
        List<List<Object>> table = new ArrayList<>();
        for (Row f : fits) {
            Map<String, Double> params = new TreeMap<>(f.getJavaMap(f.fieldIndex("parameters")));
            Map<String, Double> lo = f.isNullAt(f.fieldIndex("ci_low")) ? Map.of() : f.getJavaMap(f.fieldIndex("ci_low"));
            Map<String, Double> hi = f.isNullAt(f.fieldIndex("ci_high")) ? Map.of() : f.getJavaMap(f.fieldIndex("ci_high"));
            StringBuilder text = new StringBuilder();
            params.forEach((k, v) -> {
                text.append(text.length() == 0 ? "" : "; ").append(k).append(" = ").append(HtmlPage.format(v));
                if (lo.get(k) != null && hi.get(k) != null) {
                    text.append(" [").append(HtmlPage.format(lo.get(k))).append(", ").append(HtmlPage.format(hi.get(k))).append("]");
                }
            });
            table.add(Arrays.asList(f.getAs("form"), f.getAs("group_json"), f.getAs("points"), f.getAs("status"),
                    f.getAs("message") != null ? f.getAs("message") : text.toString(), f.getAs("extrapolation_mean_error"), f.getAs("extrapolation_max_error")));
        }
        page.note("Intervals in brackets are bootstrap intervals at the level the run asked for (" + HtmlPage.format(fits.get(0).getAs("ci_level")) + ").");
        page.table(List.of("form", "group", "points", "status", "parameters", "extrapolation mean error", "extrapolation max error"), table);
    }

    private static void distill(Lake lake, String runId, HtmlPage page) {
        List<Row> evals = rows(lake, Tables.DISTILL_EVALS, runId, "method");
        page.section("One-shot evaluations");
        if (evals.isEmpty()) {
            page.note("distill_evals holds no evaluation of this run (--eval-seeds 0).");
        } else {
            table(page, evals, List.of("method", "eval_seed", "clients", "train_examples", "transmitted_floats", "eval_model", "eval_epochs",
                    "test_accuracy", "test_loss"));
        }
        if (lake.exists(Tables.SYNTHETIC_EXAMPLES)) {
            List<Row> sets = lake.read(Tables.SYNTHETIC_EXAMPLES).where(col("run_id").equalTo(runId)).groupBy("method", "client_id")
                    .count().orderBy("method", "client_id").collectAsList();
            page.section("Synthetic sets");
            table(page, sets, List.of("method", "client_id", "count"));
        }
    }

    private static void barriers(Lake lake, String runId, HtmlPage page, String title) {
        List<Row> rows = rows(lake, Tables.BARRIERS, runId, "round");
        if (rows.isEmpty()) {
            return;
        }
        page.section(title).note("Loss barrier: the largest excess of the loss along the linear path between two models over the straight "
                + "line between their losses (Adilova et al.); per layer when only that layer is interpolated.");
        table(page, rows, List.of("model_run_id", "round", "pair", "eval_set", "kind", "variant", "layer", "layer_name", "loss_barrier", "loss_alpha",
                "error_barrier"));
    }

    private static List<Row> rows(Lake lake, String table, String runId, String order) {
        return lake.exists(table) ? lake.read(table).where(col("run_id").equalTo(runId)).orderBy(order).collectAsList() : List.of();
    }

    private static void table(HtmlPage page, List<Row> rows, List<String> columns) {
        List<String> present = columns.stream().filter(c -> !rows.isEmpty() && Arrays.asList(rows.get(0).schema().fieldNames()).contains(c)).toList();
        List<List<Object>> cells = new ArrayList<>();
        for (Row r : rows.subList(0, Math.min(rows.size(), MAX_ROWS))) {
            List<Object> row = new ArrayList<>();
            present.forEach(c -> row.add(r.getAs(c)));
            cells.add(row);
        }
        page.table(present, cells);
        if (rows.size() > MAX_ROWS) {
            page.note("The first " + MAX_ROWS + " of " + rows.size() + " rows; the lake holds them all.");
        }
    }

    private static double[] column(List<Row> rows, String name) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            Row r = rows.get(i);
            int at = r.fieldIndex(name);
            out[i] = r.isNullAt(at) ? Double.NaN : ((Number) r.get(at)).doubleValue();
        }
        return out;
    }

    private static double[] cumulative(double[] values) {
        double[] out = new double[values.length];
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += Double.isNaN(values[i]) ? 0 : values[i];
            out[i] = Double.isNaN(values[i]) ? Double.NaN : sum;
        }
        return out;
    }

    /** The pairs where both are finite (rows where a figure has nothing to draw are skipped). */
    private record Points(double[] x, double[] y) {
    }

    private static Points finite(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            n += Double.isFinite(x[i]) && Double.isFinite(y[i]) ? 1 : 0;
        }
        double[] fx = new double[n];
        double[] fy = new double[n];
        for (int i = 0, k = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                fx[k] = x[i];
                fy[k++] = y[i];
            }
        }
        return new Points(fx, fy);
    }

    /** A JSON object one level deep: nested values as their JSON text. */
    private static Map<String, Object> flatten(Map<String, Object> json) {
        Map<String, Object> out = new LinkedHashMap<>();
        json.forEach((k, v) -> out.put(k, v instanceof Map || v instanceof List ? Json.of(v) : v));
        return out;
    }
}
