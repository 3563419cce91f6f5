package io.losslake.federated.distill;

/**
 * Distribution matching's settings; the defaults are the reference code's (main_DM.py) where they
 * carry over, scaled down where a CPU cannot afford them (see each).
 *
 * @param ipc        synthetic images per class, at least 1
 * @param iterations optimisation steps on the synthetic images (the reference runs 20,000)
 * @param realBatch  real images per class per iteration (reference 256)
 * @param imageLr    SGD rate on the normalised synthetic pixels (reference 1.0)
 * @param momentum   SGD momentum on the pixels (reference 0.5)
 * @param init       {@code real}: start from random real images of the class; {@code noise}: N(0, 1) pixels
 * @param channels   the random embedding network's two convolutions (the reference's ConvNet has
 *                   three 3x3 blocks of 128 with instance norm; losslake's is its LeNet-style CNN)
 * @param augment    Siamese augmentation (DSA) of both batches, as the reference does
 */
public record DmSettings(int ipc, int iterations, int realBatch, double imageLr, double momentum, String init, int[] channels, boolean augment)
        implements java.io.Serializable {
    public static final java.util.List<String> INITS = java.util.List.of("real", "noise");

    public DmSettings {
        checkIpc(ipc);
        if (iterations < 1) {
            throw new IllegalArgumentException("Invalid --iterations " + iterations + ": expected at least 1.");
        }
        if (realBatch < 1) {
            throw new IllegalArgumentException("Invalid --real-batch " + realBatch + ": expected at least 1.");
        }
        if (!(imageLr > 0) || Double.isInfinite(imageLr)) {
            throw new IllegalArgumentException("Invalid --image-lr " + imageLr + ": expected a positive rate.");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("Invalid --momentum " + momentum + ": expected a value in [0, 1).");
        }
        if (!INITS.contains(init)) {
            throw new IllegalArgumentException("Invalid --init '" + init + "': expected real or noise.");
        }
        if (channels.length != 2 || channels[0] < 1 || channels[1] < 1) {
            throw new IllegalArgumentException("Invalid --embed-channels: expected two positive counts such as 32,64.");
        }
        channels = channels.clone();
    }

    static void checkIpc(int ipc) {
        if (ipc < 1) {
            throw new IllegalArgumentException("Invalid --ipc " + ipc + ": expected at least 1 synthetic image per class.");
        }
    }

    /** The side of square images of {@code features} pixels. */
    static int side(int features) {
        int side = (int) Math.round(Math.sqrt(features));
        if (side * side != features) {
            throw new IllegalArgumentException("Distillation needs square single-channel images, but the data has " + features + " features per example.");
        }
        return side;
    }
}
