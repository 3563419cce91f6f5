package io.losslake.federated.distill;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Differentiable Siamese Augmentation (DSA; Zhao &amp; Bilen, ICML 2021), the augmentation that
 * distribution matching applies to real and synthetic images alike, for square single-channel
 * images in normalised units (0 is the mean pixel). Every transform is affine in the pixels, so the
 * gradient with respect to the input is the transposed map, {@link #transpose}.
 *
 * <p>Following the reference code's single-operation mode (its default, {@code aug_mode = 'S'}), one
 * draw picks one of {@code color, crop, cutout, flip, scale, rotate} for the whole batch:
 * <ul>
 *   <li>color: brightness x + (u - 0.5), saturation (the identity on one channel), contrast
 *       (x - m)(u + 0.5) + m with m the image's mean;</li>
 *   <li>crop: a translation by up to round(0.125 side) pixels each way, zeros shifted in;</li>
 *   <li>cutout: a square of half the side, centred anywhere in [0, side], set to 0;</li>
 *   <li>flip: left-right with probability 1/2;</li>
 *   <li>scale: x and y scaled by factors in [1/1.2, 1.2], bilinear sampling;</li>
 *   <li>rotate: by up to 15 degrees either way, bilinear sampling
 *       (PyTorch's affine_grid and grid_sample, align_corners=False, zero padding).</li>
 * </ul>
 * {@code shared} draws one set of parameters for every image of the batch (the Siamese use: the
 * real and the synthetic batch of a class see the same transform); otherwise each image has its own,
 * as when a network is trained on a synthetic set.
 */
public final class Augmentation {
    public static final List<String> OPERATIONS = List.of("color", "crop", "cutout", "flip", "scale", "rotate");
    private static final double SCALE = 1.2;
    private static final double ROTATE_DEGREES = 15;
    private static final double CROP = 0.125;
    private static final double CUTOUT = 0.5;

    private final String operation;
    private final int side;
    private final boolean shared;
    /** Per image (or one, when shared): the operation's parameters. */
    private final double[] a;
    private final double[] b;
    /** For scale and rotate: per image, per output pixel, four source pixels and their weights. */
    private final int[][] source;
    private final float[][] weight;

    private Augmentation(String operation, int side, boolean shared, double[] a, double[] b) {
        this.operation = operation;
        this.side = side;
        this.shared = shared;
        this.a = a;
        this.b = b;
        if (operation.equals("scale") || operation.equals("rotate")) {
            source = new int[a.length][];
            weight = new float[a.length][];
            for (int i = 0; i < a.length; i++) {
                double[] theta = operation.equals("scale")
                        ? new double[] {a[i], 0, 0, b[i]}
                        : new double[] {Math.cos(a[i]), -Math.sin(a[i]), Math.sin(a[i]), Math.cos(a[i])};
                source[i] = new int[side * side * 4];
                weight[i] = new float[side * side * 4];
                bilinear(theta, side, source[i], weight[i]);
            }
        } else {
            source = null;
            weight = null;
        }
    }

    /** One draw of an operation chosen uniformly among {@link #OPERATIONS}, for {@code n} images. */
    public static Augmentation draw(Random rng, int n, int side, boolean shared) {
        return draw(OPERATIONS.get(rng.nextInt(OPERATIONS.size())), rng, n, side, shared);
    }

    /** One draw of {@code operation}'s parameters for {@code n} images. */
    public static Augmentation draw(String operation, Random rng, int n, int side, boolean shared) {
        int m = shared ? 1 : n;
        double[] a = new double[m];
        double[] b = new double[m];
        for (int i = 0; i < m; i++) {
            switch (operation) {
                case "color" -> {
                    a[i] = rng.nextDouble() - 0.5; // brightness
                    rng.nextDouble(); // saturation: the identity on one channel, drawn to keep the stream aligned
                    b[i] = rng.nextDouble() + 0.5; // contrast
                }
                case "crop" -> {
                    int shift = (int) (side * CROP + 0.5);
                    a[i] = rng.nextInt(2 * shift + 1) - shift;
                    b[i] = rng.nextInt(2 * shift + 1) - shift;
                }
                case "cutout" -> {
                    int size = (int) (side * CUTOUT + 0.5);
                    a[i] = rng.nextInt(side + 1 - size % 2);
                    b[i] = rng.nextInt(side + 1 - size % 2);
                }
                case "flip" -> a[i] = rng.nextDouble() < 0.5 ? 1 : 0;
                case "scale" -> {
                    a[i] = rng.nextDouble() * (SCALE - 1 / SCALE) + 1 / SCALE;
                    b[i] = rng.nextDouble() * (SCALE - 1 / SCALE) + 1 / SCALE;
                }
                case "rotate" -> a[i] = (rng.nextDouble() - 0.5) * 2 * ROTATE_DEGREES / 180 * Math.PI;
                default -> throw new IllegalArgumentException("unknown augmentation '" + operation + "': expected one of " + OPERATIONS);
            }
        }
        return new Augmentation(operation, side, shared, a, b);
    }

    /** An augmentation with given parameters (per image, or one when shared), for tests. */
    static Augmentation of(String operation, int side, boolean shared, double[] a, double[] b) {
        return new Augmentation(operation, side, shared, a.clone(), b.clone());
    }

    public String operation() {
        return operation;
    }

    /**
     * PyTorch's grid_sample of affine_grid(theta) with align_corners=False and zero padding: output
     * pixel (i, j) at normalised (x, y) = ((2j + 1) / side - 1, (2i + 1) / side - 1) reads the input
     * at theta (x, y) bilinearly; out-of-image corners weigh 0 (index -1 marks them).
     */
    private static void bilinear(double[] theta, int side, int[] source, float[] weight) {
        for (int i = 0; i < side; i++) {
            for (int j = 0; j < side; j++) {
                double x = (2.0 * j + 1) / side - 1;
                double y = (2.0 * i + 1) / side - 1;
                double xs = theta[0] * x + theta[1] * y;
                double ys = theta[2] * x + theta[3] * y;
                double px = ((xs + 1) * side - 1) / 2;
                double py = ((ys + 1) * side - 1) / 2;
                int x0 = (int) Math.floor(px);
                int y0 = (int) Math.floor(py);
                double fx = px - x0;
                double fy = py - y0;
                int at = (i * side + j) * 4;
                corner(source, weight, at, x0, y0, (1 - fx) * (1 - fy), side);
                corner(source, weight, at + 1, x0 + 1, y0, fx * (1 - fy), side);
                corner(source, weight, at + 2, x0, y0 + 1, (1 - fx) * fy, side);
                corner(source, weight, at + 3, x0 + 1, y0 + 1, fx * fy, side);
            }
        }
    }

    private static void corner(int[] source, float[] weight, int at, int x, int y, double w, int side) {
        boolean inside = x >= 0 && x < side && y >= 0 && y < side;
        source[at] = inside ? y * side + x : -1;
        weight[at] = inside ? (float) w : 0f;
    }

    private int p(int image) {
        return shared ? 0 : image;
    }

    /** out [n, side * side] = the transform of x [n, side * side]; out and x must differ. */
    public void apply(float[] x, int n, float[] out) {
        map(x, n, out, false);
    }

    /** gx [n, side * side] = the transposed map of g: the gradient with respect to the input of the output's gradient g. */
    public void transpose(float[] g, int n, float[] gx) {
        map(g, n, gx, true);
    }

    private void map(float[] in, int n, float[] out, boolean transposed) {
        int pixels = side * side;
        for (int s = 0; s < n; s++) {
            int base = s * pixels;
            int q = p(s);
            switch (operation) {
                case "color" -> {
                    double sum = 0;
                    for (int k = 0; k < pixels; k++) {
                        sum += in[base + k];
                    }
                    double mean = sum / pixels;
                    double c = b[q];
                    // forward: c (x - mean x) + mean x + brightness; its transpose: c g + (1 - c) mean g
                    float shift = (float) (transposed ? (1 - c) * mean : (1 - c) * mean + a[q]);
                    for (int k = 0; k < pixels; k++) {
                        out[base + k] = (float) (c * in[base + k]) + shift;
                    }
                }
                case "crop" -> {
                    int dy = (int) a[q];
                    int dx = (int) b[q];
                    Arrays.fill(out, base, base + pixels, 0f);
                    for (int i = 0; i < side; i++) {
                        int si = i + dy;
                        if (si < 0 || si >= side) {
                            continue;
                        }
                        for (int j = 0; j < side; j++) {
                            int sj = j + dx;
                            if (sj < 0 || sj >= side) {
                                continue;
                            }
                            if (transposed) {
                                out[base + si * side + sj] += in[base + i * side + j];
                            } else {
                                out[base + i * side + j] = in[base + si * side + sj];
                            }
                        }
                    }
                }
                case "cutout" -> {
                    int size = (int) (side * CUTOUT + 0.5);
                    int r0 = Math.max(0, (int) a[q] - size / 2);
                    int r1 = Math.min(side - 1, (int) a[q] - size / 2 + size - 1);
                    int c0 = Math.max(0, (int) b[q] - size / 2);
                    int c1 = Math.min(side - 1, (int) b[q] - size / 2 + size - 1);
                    System.arraycopy(in, base, out, base, pixels);
                    for (int i = r0; i <= r1; i++) {
                        Arrays.fill(out, base + i * side + c0, base + i * side + c1 + 1, 0f);
                    }
                }
                case "flip" -> {
                    boolean flip = a[q] > 0;
                    for (int i = 0; i < side; i++) {
                        for (int j = 0; j < side; j++) {
                            out[base + i * side + j] = in[base + i * side + (flip ? side - 1 - j : j)];
                        }
                    }
                }
                default -> { // scale, rotate
                    int[] src = source[q];
                    float[] w = weight[q];
                    if (transposed) {
                        Arrays.fill(out, base, base + pixels, 0f);
                        for (int k = 0; k < pixels; k++) {
                            float g = in[base + k];
                            for (int c = 4 * k; c < 4 * k + 4; c++) {
                                if (src[c] >= 0) {
                                    out[base + src[c]] += w[c] * g;
                                }
                            }
                        }
                    } else {
                        for (int k = 0; k < pixels; k++) {
                            float v = 0;
                            for (int c = 4 * k; c < 4 * k + 4; c++) {
                                if (src[c] >= 0) {
                                    v += w[c] * in[base + src[c]];
                                }
                            }
                            out[base + k] = v;
                        }
                    }
                }
            }
        }
    }
}
