package io.losslake.data;

import java.util.Objects;

/**
 * Grey-scale images with integer labels, held as the raw unsigned bytes of the IDX format: one
 * contiguous {@code byte[]} of {@code count * rows * cols} pixels, row-major per image. Kept as
 * bytes (not floats) because it is 4x smaller to broadcast and cache; {@link #copyFeatures}
 * scales to [0, 1] on the way into a training batch.
 *
 * @param name       where the images came from, for messages
 * @param rows       image height
 * @param cols       image width
 * @param pixels     {@code count * rows * cols} unsigned bytes
 * @param labels     one unsigned byte per image, each in {@code [0, numClasses)}
 * @param numClasses number of classes labels are drawn from
 */
public record LabeledImages(String name, int rows, int cols, byte[] pixels, byte[] labels, int numClasses)
        implements java.io.Serializable {

    public LabeledImages {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (rows <= 0 || cols <= 0) {
            throw new DatasetException(name + ": image shape must be positive, got " + rows + "x" + cols + ".");
        }
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new DatasetException(name + ": " + labels.length + " labels need " + (long) labels.length * rows * cols
                    + " pixels of " + rows + "x" + cols + " images, but there are " + pixels.length + ".");
        }
        if (numClasses < 2 || numClasses > 256) {
            throw new DatasetException(name + ": the number of classes must be between 2 and 256, got " + numClasses + ".");
        }
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xFF;
            if (label >= numClasses) {
                throw new DatasetException(name + ": label " + label + " of example " + i
                        + " is outside the declared " + numClasses + " classes (expected 0.." + (numClasses - 1) + ").");
            }
        }
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** Pixels per image, the length of a flattened feature vector. */
    public int featureSize() {
        return rows * cols;
    }

    /** The label of example {@code i}, in {@code [0, numClasses)}. */
    public int label(int i) {
        return labels[i] & 0xFF;
    }

    /** All labels as ints. */
    public int[] labelArray() {
        int[] out = new int[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[i] & 0xFF;
        }
        return out;
    }

    /** Writes example {@code i}'s pixels, scaled to [0, 1], into {@code dst} from {@code offset}. */
    public void copyFeatures(int i, float[] dst, int offset) {
        int size = featureSize();
        int base = i * size;
        for (int k = 0; k < size; k++) {
            dst[offset + k] = (pixels[base + k] & 0xFF) * (1f / 255f);
        }
    }
}
