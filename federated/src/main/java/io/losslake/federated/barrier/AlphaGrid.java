package io.losslake.federated.barrier;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The interpolation coefficients a barrier is taken over: the model at alpha is
 * alpha w1 + (1 - alpha) w2 (on the interpolated blocks), and the barrier is the largest excess of
 * its loss over alpha L(w1) + (1 - alpha) L(w2) among them. The endpoints are always evaluated for
 * that baseline; the grid names the interior points.
 *
 * @param alphas strictly between 0 and 1, ascending, without repeats
 */
public record AlphaGrid(double[] alphas) implements java.io.Serializable {
    /** alpha = 0.1, 0.2, ..., 0.9: the interior of the 11-point grid of the paper's interpolation curves. */
    public static final AlphaGrid DEFAULT = new AlphaGrid(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9});
    /** alpha = 0.5 only, as the reference code (link-er/layer-wise-lmc) evaluates barriers. */
    public static final AlphaGrid MIDPOINT = new AlphaGrid(new double[] {0.5});

    public AlphaGrid {
        alphas = alphas.clone();
    }

    /**
     * Parses {@code default}, {@code midpoint}, {@code steps:K} (K - 1 interior points of a K-step
     * grid) or a comma-separated list of values in [0, 1] (0 and 1 are the endpoints, always used).
     *
     * @param flag the option's name, for the message
     * @throws IllegalArgumentException one sentence naming the bad value
     */
    public static AlphaGrid parse(String text, String flag) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("default")) {
            return DEFAULT;
        }
        if (t.equals("midpoint")) {
            return MIDPOINT;
        }
        String expected = ": expected default, midpoint, steps:K (K >= 2) or alphas in [0, 1] such as 0.25,0.5,0.75.";
        if (t.startsWith("steps:")) {
            int k;
            try {
                k = Integer.parseInt(t.substring(6).trim());
            } catch (NumberFormatException e) {
                k = -1;
            }
            if (k < 2 || k > 1000) {
                throw new IllegalArgumentException("Invalid " + flag + " '" + text + "'" + expected);
            }
            double[] a = new double[k - 1];
            for (int i = 1; i < k; i++) {
                a[i - 1] = (double) i / k;
            }
            return new AlphaGrid(a);
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("Invalid " + flag + ": the alpha grid is empty" + expected);
        }
        double[] values;
        try {
            values = Arrays.stream(t.split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid " + flag + " '" + text + "'" + expected);
        }
        for (double v : values) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("Invalid " + flag + " '" + text + "': " + v + " is outside [0, 1]" + expected);
            }
        }
        double[] interior = Arrays.stream(values).filter(v -> v > 0 && v < 1).sorted().distinct().toArray();
        if (interior.length == 0) {
            throw new IllegalArgumentException("Invalid " + flag + " '" + text + "': it names no alpha strictly between 0 and 1, "
                    + "where a barrier lies" + expected);
        }
        return new AlphaGrid(interior);
    }

    /** The spelling {@link #parse} reads back. */
    public String describe() {
        if (Arrays.equals(alphas, DEFAULT.alphas)) {
            return "default";
        }
        if (Arrays.equals(alphas, MIDPOINT.alphas)) {
            return "midpoint";
        }
        return Arrays.stream(alphas).mapToObj(a -> java.math.BigDecimal.valueOf(a).stripTrailingZeros().toPlainString())
                .collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlphaGrid g && Arrays.equals(alphas, g.alphas);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(alphas);
    }

    @Override
    public String toString() {
        return describe();
    }
}
