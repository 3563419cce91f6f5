package io.losslake.data.partition;

import io.losslake.data.Seeds;
import io.losslake.data.random.Distributions;
import java.util.SplittableRandom;

/**
 * A client's covariate shift: its inputs are rotated, brightened and made noisy, its labels never
 * change. Applied in that order to the stored (already normalised) features:
 * <ol>
 *   <li>rotation by {@code rotationDegrees} counter-clockwise about the image centre, bilinear
 *       interpolation, zero outside the source image (images only);</li>
 *   <li>{@code + brightness} to every value;</li>
 *   <li>{@code + N(0, noiseStd^2)} per value, the noise fixed per example (seeded by the shift's seed
 *       and the example id), so it is a property of the client's data, not an augmentation.</li>
 * </ol>
 *
 * @param noiseStd        standard deviation of the additive Gaussian noise, {@code >= 0}
 * @param rotationDegrees rotation angle
 * @param brightness      added to every value
 * @param noiseSeed       seed of the per-example noise
 */
public record FeatureShift(double noiseStd, double rotationDegrees, double brightness, long noiseSeed) implements java.io.Serializable {

    public boolean rotates() {
        return rotationDegrees != 0;
    }

    /**
     * Writes the shifted copy of one example's features {@code src[srcOff .. srcOff + rows*cols)}
     * into {@code dst[dstOff ..]}. {@code src} and {@code dst} must not overlap.
     */
    public void apply(float[] src, int srcOff, int rows, int cols, long exampleId, float[] dst, int dstOff) {
        int size = rows * cols;
        if (rotates()) {
            rotate(src, srcOff, rows, cols, dst, dstOff);
        } else {
            System.arraycopy(src, srcOff, dst, dstOff, size);
        }
        float shift = (float) brightness;
        SplittableRandom random = noiseStd > 0 ? new SplittableRandom(Seeds.derive(noiseSeed, exampleId)) : null;
        for (int i = 0; i < size; i++) {
            float v = dst[dstOff + i] + shift;
            if (random != null) {
                v += (float) (noiseStd * Distributions.normal(random));
            }
            dst[dstOff + i] = v;
        }
    }

    private void rotate(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        double theta = Math.toRadians(rotationDegrees);
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double cy = (rows - 1) / 2.0;
        double cx = (cols - 1) / 2.0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                // inverse map: rotate the destination point by -theta (y axis pointing up)
                double x = c - cx;
                double yUp = cy - r;
                double sx = x * cos + yUp * sin;
                double syUp = -x * sin + yUp * cos;
                double sc = sx + cx;
                double sr = cy - syUp;
                dst[dstOff + r * cols + c] = bilinear(src, srcOff, rows, cols, sr, sc);
            }
        }
    }

    private static float bilinear(float[] src, int off, int rows, int cols, double r, double c) {
        // snap values within rounding error of a pixel centre, so 90-degree turns are exact
        double rr = Math.abs(r - Math.rint(r)) < 1e-9 ? Math.rint(r) : r;
        double cc = Math.abs(c - Math.rint(c)) < 1e-9 ? Math.rint(c) : c;
        int r0 = (int) Math.floor(rr);
        int c0 = (int) Math.floor(cc);
        double fr = rr - r0;
        double fc = cc - c0;
        double v = 0;
        v += (1 - fr) * (1 - fc) * pixel(src, off, rows, cols, r0, c0);
        v += (1 - fr) * fc * pixel(src, off, rows, cols, r0, c0 + 1);
        v += fr * (1 - fc) * pixel(src, off, rows, cols, r0 + 1, c0);
        v += fr * fc * pixel(src, off, rows, cols, r0 + 1, c0 + 1);
        return (float) v;
    }

    private static float pixel(float[] src, int off, int rows, int cols, int r, int c) {
        return r < 0 || c < 0 || r >= rows || c >= cols ? 0f : src[off + r * cols + c];
    }
}
