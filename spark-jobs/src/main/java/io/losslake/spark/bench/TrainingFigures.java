package io.losslake.spark.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples per second by model, batch size and trainer (dl4j, fused, pytorch: as users run it,
 * without OpenBLAS overrides; pytorch+overrides: with this machine's), and what each side ran on.
 */
final class TrainingFigures {
    private final Map<String, Map<String, Double>> rates = new LinkedHashMap<>();
    private final List<String> oursBackend = new ArrayList<>();
    private final List<String> pytorchBackend = new ArrayList<>();
    private String pytorchVersion;

    void put(String model, int batch, String trainer, double samplesPerSecond) {
        rates.computeIfAbsent(model + "\u0000" + batch, k -> new LinkedHashMap<>()).put(trainer, samplesPerSecond);
    }

    void pytorchVersion(String version) {
        this.pytorchVersion = version;
    }

    void pytorchBackend(String line) {
        pytorchBackend.add(line);
    }

    void oursBackend(String line) {
        oursBackend.add(line);
    }

    /** The rate, or NaN when not measured. */
    double rate(String model, int batch, String trainer) {
        Map<String, Double> row = rates.get(model + "\u0000" + batch);
        return row == null ? Double.NaN : row.getOrDefault(trainer, Double.NaN);
    }

    /** (model, batch) pairs in measurement order. */
    List<Map.Entry<String, Integer>> keys() {
        return rates.keySet().stream().map(k -> {
            String[] parts = k.split("\u0000");
            return Map.entry(parts[0], Integer.parseInt(parts[1]));
        }).toList();
    }

    /** Our fastest trainer's rate for the pair. */
    double best(String model, int batch) {
        return Math.max(nanToZero(rate(model, batch, "dl4j")), nanToZero(rate(model, batch, "fused")));
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    void print(PrintWriter out) {
        boolean withOverrides = keys().stream().anyMatch(k -> !Double.isNaN(rate(k.getKey(), k.getValue(), "pytorch+overrides")));
        out.println();
        out.printf("%-16s %6s %12s %12s %12s %12s%s%n", "model", "batch", "dl4j", "fused", "pytorch", "best/pytorch",
                withOverrides ? String.format(" %18s", "pytorch+overrides") : "");
        for (var key : keys()) {
            String m = key.getKey();
            int b = key.getValue();
            double torch = rate(m, b, "pytorch");
            out.printf("%-16s %6d %12s %12s %12s %12s%s%n", m, b, fmt(rate(m, b, "dl4j")), fmt(rate(m, b, "fused")), fmt(torch),
                    Double.isNaN(torch) ? "-" : String.format("%.2fx", best(m, b) / torch),
                    withOverrides ? String.format(" %18s", fmt(rate(m, b, "pytorch+overrides"))) : "");
        }
        out.println("(samples/s, one thread: OMP_NUM_THREADS=1, random 28x28 inputs, 10 classes, Nesterov SGD"
                + (pytorchVersion == null ? "; pytorch: run with --pytorch PYTHON" : "; pytorch " + pytorchVersion + " without OpenBLAS overrides")
                + ")");
        oursBackend.forEach(l -> out.println("losslake: " + l));
        pytorchBackend.forEach(l -> out.println("pytorch:  " + l));
        out.flush();
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%,.0f", v);
    }
}
