package io.losslake.data;

import java.util.List;
import java.util.Locale;

/**
 * How stored features are scaled, fitted on the training split and applied to every split:
 * <ul>
 *   <li>{@code none}: as read;</li>
 *   <li>{@code pixels}: divided by 255, for 8-bit images (the IDX default), giving [0, 1];</li>
 *   <li>{@code standardize}: per feature (x - mean) / std of the training split (std 0 leaves
 *       the feature centred but unscaled);</li>
 *   <li>{@code minmax}: per feature (x - min) / (max - min) of the training split.</li>
 * </ul>
 */
public final class Normalizer implements java.io.Serializable {
    public static final List<String> MODES = List.of("none", "pixels", "standardize", "minmax");

    private final String mode;
    private final float[] shift;
    private final float[] scale;

    private Normalizer(String mode, float[] shift, float[] scale) {
        this.mode = mode;
        this.shift = shift;
        this.scale = scale;
    }

    /** Checks a mode name, failing with a sentence naming the flag. */
    public static String mode(String name) {
        String mode = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("Invalid --normalize '" + name + "': expected one of " + String.join(", ", MODES) + ".");
        }
        return mode;
    }

    public static Normalizer none() {
        return new Normalizer("none", null, null);
    }

    public static Normalizer pixels() {
        return new Normalizer("pixels", null, null);
    }

    /**
     * Fits {@code mode} from per-feature moments of the training split.
     *
     * @param count  training examples
     * @param sum    per feature, the sum of values
     * @param sumSq  per feature, the sum of squared values
     * @param min    per feature, the minimum
     * @param max    per feature, the maximum
     */
    public static Normalizer fit(String mode, long count, double[] sum, double[] sumSq, double[] min, double[] max) {
        switch (mode(mode)) {
            case "none":
                return none();
            case "pixels":
                return pixels();
            case "standardize": {
                int d = sum.length;
                float[] shift = new float[d];
                float[] scale = new float[d];
                for (int i = 0; i < d; i++) {
                    double mean = sum[i] / count;
                    double var = Math.max(0, sumSq[i] / count - mean * mean);
                    double std = Math.sqrt(var);
                    shift[i] = (float) mean;
                    scale[i] = std > 1e-12 ? (float) (1.0 / std) : 1f;
                }
                return new Normalizer("standardize", shift, scale);
            }
            default: {
                int d = min.length;
                float[] shift = new float[d];
                float[] scale = new float[d];
                for (int i = 0; i < d; i++) {
                    double range = max[i] - min[i];
                    shift[i] = (float) min[i];
                    scale[i] = range > 1e-12 ? (float) (1.0 / range) : 1f;
                }
                return new Normalizer("minmax", shift, scale);
            }
        }
    }

    public String modeName() {
        return mode;
    }

    /** Whether fitting needs the training split's moments. */
    public static boolean needsMoments(String mode) {
        return mode.equals("standardize") || mode.equals("minmax");
    }

    /** Normalises {@code x} in place. */
    public void apply(float[] x) {
        switch (mode) {
            case "none" -> {
            }
            case "pixels" -> {
                for (int i = 0; i < x.length; i++) {
                    x[i] /= 255f;
                }
            }
            default -> {
                for (int i = 0; i < x.length; i++) {
                    x[i] = (x[i] - shift[i]) * scale[i];
                }
            }
        }
    }
}
