package io.losslake.federated.distill;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A synthetic set as one grayscale PNG, a row per class and a column per example, each image
 * scaled up and separated by a one-pixel gap. Gray levels span [0, 1], or wider where the set's
 * 1st and 99th percentiles lie outside it (data not scaled to [0, 1]); values beyond are clipped, as
 * the reference code clips when it saves its images.
 */
public final class ImageGrid {
    private static final int GAP = 1;

    private ImageGrid() {
    }

    /** The grid of {@code set}, each pixel drawn as a {@code zoom} x {@code zoom} block. */
    public static BufferedImage render(SyntheticSet set, int zoom) {
        int side = set.side();
        int columns = 1;
        for (int c = 0; c < set.numClasses(); c++) {
            columns = Math.max(columns, set.count(c));
        }
        int cell = side * zoom + GAP;
        BufferedImage image = new BufferedImage(columns * cell + GAP, set.numClasses() * cell + GAP, BufferedImage.TYPE_BYTE_GRAY);
        int[] placed = new int[set.numClasses()];
        int pixels = side * side;
        float[] sorted = set.features().clone();
        java.util.Arrays.sort(sorted);
        double lo = sorted.length == 0 ? 0 : Math.min(0, sorted[(int) (0.01 * (sorted.length - 1))]);
        double hi = sorted.length == 0 ? 1 : Math.max(1, sorted[(int) (0.99 * (sorted.length - 1))]);
        for (int i = 0; i < set.size(); i++) {
            int c = set.labels()[i];
            int x0 = GAP + placed[c]++ * cell;
            int y0 = GAP + c * cell;
            for (int r = 0; r < side; r++) {
                for (int q = 0; q < side; q++) {
                    double v = set.features()[i * pixels + r * side + q];
                    int g = (int) Math.round(255 * Math.max(0, Math.min(1, (v - lo) / (hi - lo))));
                    int rgb = (g << 16) | (g << 8) | g;
                    for (int dy = 0; dy < zoom; dy++) {
                        for (int dx = 0; dx < zoom; dx++) {
                            image.setRGB(x0 + q * zoom + dx, y0 + r * zoom + dy, rgb);
                        }
                    }
                }
            }
        }
        return image;
    }

    /** Writes {@link #render}(set, 2) to {@code file} as PNG, creating its folder. */
    public static void write(SyntheticSet set, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ImageIO.write(render(set, 2), "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
