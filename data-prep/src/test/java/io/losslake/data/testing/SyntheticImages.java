package io.losslake.data.testing;

import io.losslake.data.LabeledImages;
import java.util.SplittableRandom;

/**
 * Small, learnable image datasets for tests: class {@code c} lights a class-specific set of pixels
 * on a noisy background, so a tiny network separates the classes within a few epochs, while the
 * noise keeps the problem from being solved at initialisation.
 */
public final class SyntheticImages {
    private SyntheticImages() {
    }

    public static LabeledImages generate(String name, int count, int side, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int size = side * side;
        byte[] pixels = new byte[count * size];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = i % classes;
            labels[i] = (byte) label;
            for (int p = 0; p < size; p++) {
                int value = random.nextInt(90);
                // every pixel p with p % classes == label is a "bright" pixel of this class
                if (p % classes == label) {
                    value += 120 + random.nextInt(40);
                }
                pixels[i * size + p] = (byte) value;
            }
        }
        return new LabeledImages(name, side, side, pixels, labels, classes);
    }
}
