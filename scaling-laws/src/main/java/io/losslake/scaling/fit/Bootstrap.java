package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Percentile bootstrap intervals: resample the points with replacement (seeded), refit each
 * resample from the full fit's distinct minima (warm starts, as re-running the whole grid per
 * resample would only find the same basins), and take the empirical quantiles of every reported
 * parameter and derived quantity.
 */
public final class Bootstrap {
    /** An interval per reported quantity, and how many resamples produced a fit. */
    public record Intervals(Map<String, double[]> bounds, int resamples, int fitted, double level) {
    }

    private Bootstrap() {
    }

    public static Intervals run(Fitter.Fit full, FitData data, int resamples, long seed, double level, Fitter.Options options) {
        if (resamples < 1) {
            throw new IllegalArgumentException("Invalid --bootstrap " + resamples + ": expected at least 1 resample.");
        }
        int n = data.size();
        List<Map<String, Double>> reports = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Map<String, Double>[] slots = new Map[resamples];
        IntStream.range(0, resamples).parallel().forEach(b -> {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + b);
            int[] pick = new int[n];
            for (int i = 0; i < n; i++) {
                pick[i] = random.nextInt(n);
            }
            try {
                slots[b] = Fitter.fitFrom(full.form(), data.select(pick), full.minima(), options).parameters();
            } catch (RuntimeException e) {
                slots[b] = null; // a degenerate resample: counted as not fitted
            }
        });
        for (Map<String, Double> r : slots) {
            if (r != null) {
                reports.add(r);
            }
        }
        double lo = (1 - level) / 2;
        Map<String, double[]> bounds = new LinkedHashMap<>();
        for (String key : full.parameters().keySet()) {
            double[] values = reports.stream().mapToDouble(r -> r.get(key)).filter(Double::isFinite).sorted().toArray();
            bounds.put(key, values.length == 0 ? new double[] {Double.NaN, Double.NaN}
                    : new double[] {quantile(values, lo), quantile(values, 1 - lo)});
        }
        return new Intervals(bounds, resamples, reports.size(), level);
    }

    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(sorted.length - 1, i + 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }
}
