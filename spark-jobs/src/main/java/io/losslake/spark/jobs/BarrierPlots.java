package io.losslake.spark.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.losslake.scaling.plot.Figure;
import io.losslake.scaling.plot.HeatMap;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Tables;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The barrier figures of a federate run, PNG and SVG: heat maps of each layer's barrier by round
 * (the paper's figure; the mean over the pairs measured that round), for the loss and the error and
 * each variant present, and the cumulative barrier curves of a barrier run.
 */
final class BarrierPlots {
    static final String CLIENT_PAIRS = "client pairs";
    static final String GLOBAL_CLIENT = "global vs client";
    /** The mean of the into_first and into_second variants. */
    static final String BOTH = "both";

    private BarrierPlots() {
    }

    /** Draws what the lake holds for {@code modelRunId}, and the cumulative curves of {@code result} when given; returns the files' names. */
    static List<String> write(Lake lake, Path folder, String modelRunId, BarrierJob.Result result, PrintWriter out) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the plot folder " + folder, e);
        }
        List<String> written = new ArrayList<>();
        if (lake.exists(Tables.BARRIERS)) {
            // client pairs and global-vs-client pairs apart: a client's model on the test split sets a very different baseline
            org.apache.spark.sql.Column pairs = when(col("pair").rlike("^client:[0-9]+,client:[0-9]+$"), lit(CLIENT_PAIRS))
                    .when(col("pair").rlike("^global,client:[0-9]+$"), lit(GLOBAL_CLIENT)).otherwise(lit("other pairs"));
            Dataset<Row> mine = lake.read(Tables.BARRIERS).where(col("model_run_id").equalTo(modelRunId)).withColumn("pairs", pairs);
            Dataset<Row> layers = mine.where(col("kind").equalTo("layer"));
            Map<String, Double> full = new TreeMap<>(); // "pairs/round" -> the mean full barrier
            for (Row r : mine.where(col("kind").equalTo("full")).groupBy("pairs", "round").agg(avg("loss_barrier")).collectAsList()) {
                full.put(r.getString(0) + "/" + r.getInt(1), r.isNullAt(2) ? Double.NaN : r.getDouble(2));
            }
            // besides each variant, their mean: for a pair of models whose own losses differ, the variants' excesses carry
            // +-(L(w1) - L(w2))/2 of the baseline with opposite signs, which the mean cancels (what auto-barrier reads)
            List<Row> cells = layers.groupBy("pairs", "variant", "layer", "layer_name", "round")
                    .agg(avg("loss_barrier").alias("loss"), avg("error_barrier").alias("error"))
                    .unionByName(layers.groupBy("pairs", "layer", "layer_name", "round").agg(avg("loss_barrier").alias("loss"),
                            avg("error_barrier").alias("error")).withColumn("variant", lit(BOTH)))
                    .orderBy("pairs", "variant", "layer", "round").collectAsList();
            Map<String, List<Row>> byPairs = new TreeMap<>();
            cells.forEach(r -> byPairs.computeIfAbsent(r.<String>getAs("pairs"), k -> new ArrayList<>()).add(r));
            if (cells.isEmpty()) {
                out.println("run " + modelRunId + " has no layer barriers in the lake (federate --barriers-every K measures them)");
            }
            for (Map.Entry<String, List<Row>> p : byPairs.entrySet()) {
                printTable(out, modelRunId, p.getKey(), p.getValue().stream().filter(r -> r.getAs("variant").equals(BOTH)).toList(), full);
                Map<String, List<Row>> byVariant = new TreeMap<>();
                p.getValue().forEach(r -> byVariant.computeIfAbsent(r.<String>getAs("variant"), k -> new ArrayList<>()).add(r));
                for (Map.Entry<String, List<Row>> v : byVariant.entrySet()) {
                    for (boolean loss : new boolean[] {true, false}) {
                        String name = "barrier-layers-" + (loss ? "loss" : "error") + "-" + v.getKey() + "-" + p.getKey().replace(' ', '-') + "-"
                                + modelRunId;
                        write(folder, heatMap(p.getKey(), v.getKey(), v.getValue(), loss), name);
                        written.add(name);
                    }
                }
            }
        }
        if (result != null && result.report().results().stream().anyMatch(r -> r.kind().equals("cumulative"))) {
            Figure f = new Figure("Cumulative barrier, run " + modelRunId + " round " + result.round() + ", " + result.pair(),
                    "layer blocks interpolated", "loss barrier (nats)", false, false);
            Map<String, List<double[]>> curves = new LinkedHashMap<>();
            for (var r : result.report().results()) {
                if (r.kind().equals("cumulative")) {
                    curves.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(new double[] {r.blocks(), r.lossBarrier()});
                }
            }
            int group = 0;
            for (Map.Entry<String, List<double[]>> c : curves.entrySet()) {
                double[] x = c.getValue().stream().mapToDouble(p -> p[0]).toArray();
                double[] y = c.getValue().stream().mapToDouble(p -> p[1]).toArray();
                f.line(c.getKey() + " first", x, y, group).points(null, x, y, group);
                group++;
            }
            String name = "barrier-cumulative-" + result.runId();
            write(folder, f, name);
            written.add(name);
        }
        out.println("plots: " + folder + " (" + written.size() + " figures, PNG and SVG)");
        return written;
    }

    /** The loss heat map of both variants' mean as a table: a row per round, a column per layer block. */
    private static void printTable(PrintWriter out, String runId, String pairs, List<Row> cells, Map<String, Double> full) {
        TreeMap<Integer, String> columns = new TreeMap<>();
        TreeMap<Integer, Map<Integer, Double>> byRound = new TreeMap<>();
        for (Row r : cells) {
            int layer = r.<Integer>getAs("layer");
            columns.put(layer, "L" + layer + " " + r.<String>getAs("layer_name").replace("dense ", "").replace("conv ", "c"));
            Object loss = r.getAs("loss");
            byRound.computeIfAbsent(r.<Integer>getAs("round"), k -> new TreeMap<>()).put(layer, loss == null ? Double.NaN : ((Number) loss).doubleValue());
        }
        out.printf("run %s, %s: layer loss barrier (nats), mean of the two variants and of the pairs measured each round; full: the whole "
                + "model's%n", runId, pairs);
        StringBuilder header = new StringBuilder(String.format("%5s", "round"));
        columns.values().forEach(c -> header.append(String.format(" %13s", c)));
        header.append(String.format(" %9s", "full"));
        out.println(header);
        for (Map.Entry<Integer, Map<Integer, Double>> e : byRound.entrySet()) {
            StringBuilder line = new StringBuilder(String.format("%5d", e.getKey()));
            columns.keySet().forEach(c -> line.append(String.format(java.util.Locale.ROOT, " %13.4f", e.getValue().getOrDefault(c, Double.NaN))));
            line.append(String.format(java.util.Locale.ROOT, " %9.4f", full.getOrDefault(pairs + "/" + e.getKey(), Double.NaN)));
            out.println(line);
        }
    }

    private static HeatMap heatMap(String pairs, String variant, List<Row> cells, boolean loss) {
        TreeSet<Integer> rounds = new TreeSet<>();
        TreeMap<Integer, String> layers = new TreeMap<>();
        for (Row r : cells) {
            layers.put(r.<Integer>getAs("layer"), r.<String>getAs("layer_name"));
            rounds.add(r.<Integer>getAs("round"));
        }
        List<Integer> roundList = new ArrayList<>(rounds);
        List<Integer> layerList = new ArrayList<>(layers.keySet());
        double[][] values = new double[layerList.size()][roundList.size()];
        for (double[] row : values) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        for (Row r : cells) {
            Object v = r.getAs(loss ? "loss" : "error");
            values[layerList.indexOf(r.<Integer>getAs("layer"))][roundList.indexOf(r.<Integer>getAs("round"))] =
                    v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        List<String> rowLabels = layerList.stream().map(l -> l + " " + layers.get(l)).toList();
        // the run id is in the file's name; the title stays short enough for the figure's width
        String which = variant.equals(BOTH) ? "both variants" : variant.replace('_', ' ');
        return new HeatMap((loss ? "Loss" : "Error") + " barrier by layer: " + pairs + ", " + which, "round",
                "layer block", roundList.stream().map(String::valueOf).toList(), rowLabels, values, loss ? "nats" : "pp");
    }

    private static void write(Path folder, HeatMap map, String name) {
        FitJob.write(folder, map, name);
    }

    private static void write(Path folder, Figure figure, String name) {
        FitJob.write(folder, figure, name);
    }
}
