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
    /**
     * An interval per reported quantity, how many resamples produced a fit, and their fitted thetas
     * (for prediction bands).
     */
    public record Intervals(Map<String, double[]> bounds, int resamples, int fitted, double level, List<double[]> thetas) {
        /** Pointwise quantiles of the resampled laws' predictions at x: {low, high}. */
        public double[] band(LawForm form, double[] x) {
            double[] values = thetas.stream().mapToDouble(t -> form.predict(t, x)).filter(Double::isFinite).sorted().toArray();
            if (values.length == 0) {
                return new double[] {Double.NaN, Double.NaN};
            }
            double lo = (1 - level) / 2;
            return new double[] {quantile(values, lo), quantile(values, 1 - lo)};
        }
    }

    private Bootstrap() {
    }

    public static Intervals run(Fitter.Fit full, FitData data, int resamples, long seed, double level, Fitter.Options options) {
        if (resamples < 1) {
            throw new IllegalArgumentException("Invalid --bootstrap " + resamples + ": expected at least 1 resample.");
        }
        int n = data.size();
        List<Map<String, Double>> reports = new ArrayList<>();
        List<double[]> thetas = new ArrayList<>();
        Fitter.Fit[] slots = new Fitter.Fit[resamples];
        IntStream.range(0, resamples).parallel().forEach(b -> {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + b);
            int[] pick = new int[n];
            for (int i = 0; i < n; i++) {
                pick[i] = random.nextInt(n);
            }
            try {
                slots[b] = Fitter.fitFrom(full.form(), data.select(pick), full.minima(), options);
            } catch (RuntimeException e) {
                slots[b] = null; // a degenerate resample: counted as not fitted
            }
        });
        for (Fitter.Fit f : slots) {
            if (f != null) {
                reports.add(f.parameters());
                thetas.add(f.theta());
            }
        }
        double lo = (1 - level) / 2;
        Map<String, double[]> bounds = new LinkedHashMap<>();
        for (String key : full.parameters().keySet()) {
            double[] values = reports.stream().mapToDouble(r -> r.get(key)).filter(Double::isFinite).sorted().toArray();
            bounds.put(key, values.length == 0 ? new double[] {Double.NaN, Double.NaN}
                    : new double[] {quantile(values, lo), quantile(values, 1 - lo)});
        }
        return new Intervals(bounds, resamples, reports.size(), level, thetas);
    }

    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(sorted.length - 1, i + 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }
}
