package io.losslake.spark.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;

import io.losslake.scaling.plot.Figure;
import io.losslake.scaling.plot.HeatMap;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Tables;
import java.io.IOException;
import java.io.OutputStream;
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
import org.apache.spark.sql.Row;

/**
 * The barrier figures of a federate run, PNG and SVG: heat maps of each layer's barrier by round
 * (the paper's figure; the mean over the pairs measured that round), for the loss and the error and
 * each variant present, and the cumulative barrier curves of a barrier run.
 */
final class BarrierPlots {
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
            List<Row> cells = lake.read(Tables.BARRIERS).where(col("model_run_id").equalTo(modelRunId).and(col("kind").equalTo("layer")))
                    .groupBy("variant", "layer", "layer_name", "round").agg(avg("loss_barrier"), avg("error_barrier"))
                    .orderBy("variant", "layer", "round").collectAsList();
            Map<String, List<Row>> byVariant = new TreeMap<>();
            cells.forEach(r -> byVariant.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r));
            printTable(out, modelRunId, cells);
            for (Map.Entry<String, List<Row>> v : byVariant.entrySet()) {
                for (boolean loss : new boolean[] {true, false}) {
                    String name = "barrier-layers-" + (loss ? "loss" : "error") + "-" + v.getKey() + "-" + modelRunId;
                    write(folder, heatMap(modelRunId, v.getKey(), v.getValue(), loss), name);
                    written.add(name);
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

    /** The heat maps' loss values as a table: a row per round, a column per variant and layer block. */
    private static void printTable(PrintWriter out, String runId, List<Row> cells) {
        if (cells.isEmpty()) {
            out.println("run " + runId + " has no layer barriers in the lake (federate --barriers-every K measures them)");
            return;
        }
        TreeMap<String, Integer> columns = new TreeMap<>();
        TreeMap<Integer, Map<String, Double>> byRound = new TreeMap<>();
        for (Row r : cells) {
            String column = r.getString(0).replace("into_", "") + " L" + r.getInt(1);
            columns.put(column, r.getInt(1));
            byRound.computeIfAbsent(r.getInt(3), k -> new TreeMap<>()).put(column, r.isNullAt(4) ? Double.NaN : r.getDouble(4));
        }
        out.printf("mean layer loss barrier (nats) over the pairs measured, run %s; L<k>: layer block k, first/second: the other layers from the first or second model%n",
                runId);
        StringBuilder header = new StringBuilder(String.format("%5s", "round"));
        columns.keySet().forEach(c -> header.append(String.format(" %10s", c)));
        out.println(header);
        for (Map.Entry<Integer, Map<String, Double>> e : byRound.entrySet()) {
            StringBuilder line = new StringBuilder(String.format("%5d", e.getKey()));
            columns.keySet().forEach(c -> line.append(String.format(java.util.Locale.ROOT, " %10.4f", e.getValue().getOrDefault(c, Double.NaN))));
            out.println(line);
        }
    }

    private static HeatMap heatMap(String runId, String variant, List<Row> cells, boolean loss) {
        TreeSet<Integer> rounds = new TreeSet<>();
        TreeMap<Integer, String> layers = new TreeMap<>();
        for (Row r : cells) {
            layers.put(r.getInt(1), r.getString(2));
            rounds.add(r.getInt(3));
        }
        List<Integer> roundList = new ArrayList<>(rounds);
        List<Integer> layerList = new ArrayList<>(layers.keySet());
        double[][] values = new double[layerList.size()][roundList.size()];
        for (double[] row : values) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        for (Row r : cells) {
            Object v = r.get(loss ? 4 : 5);
            values[layerList.indexOf(r.getInt(1))][roundList.indexOf(r.getInt(3))] = v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        List<String> rowLabels = layerList.stream().map(l -> l + " " + layers.get(l)).toList();
        return new HeatMap((loss ? "Loss" : "Error") + " barrier by layer, " + variant.replace('_', ' ') + ", run " + runId, "round", "layer block",
                roundList.stream().map(String::valueOf).toList(), rowLabels, values, loss ? "nats" : "pp");
    }

    private static void write(Path folder, HeatMap map, String name) {
        try (OutputStream png = Files.newOutputStream(folder.resolve(name + ".png"));
             OutputStream svg = Files.newOutputStream(folder.resolve(name + ".svg"))) {
            map.writePng(png);
            map.writeSvg(svg);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + folder.resolve(name) + " failed", e);
        }
    }

    private static void write(Path folder, Figure figure, String name) {
        FitJob.write(folder, figure, name);
    }
}
