package io.losslake.federated.distill;

import io.losslake.data.ClientData;
import io.losslake.federated.fused.FusedNetwork;
import java.util.Random;

/**
 * Epochs of minibatch training over a set of square images, each batch augmented by DSA with
 * per-image parameters: how both the evaluation networks and trajectory matching's experts train.
 */
final class Epochs {
    private final ClientData data;
    private final int side;
    private final int batch;
    private final int[] order;
    private final float[] x;
    private final float[] augmented;
    private final int[] y;
    /** Null: augment in the data's own units; else the units augmentation is applied in (the data stay in theirs). */
    private final PixelScale augmentIn;

    Epochs(ClientData data, int batchSize) {
        this(data, batchSize, null);
    }

    /**
     * @param augmentIn the pixel scale whose units DSA works in (its brightness and zero padding assume them),
     *                  for data the network sees unnormalised; null when {@code data} is in those units already
     */
    Epochs(ClientData data, int batchSize, PixelScale augmentIn) {
        this.data = data;
        this.augmentIn = augmentIn;
        int d = data.featureSize();
        this.side = DmSettings.side(d);
        this.batch = Math.min(batchSize, data.size());
        this.order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        this.x = new float[batch * d];
        this.augmented = new float[batch * d];
        this.y = new int[batch];
    }

    /** One pass over the data in an order drawn from {@code rng}, one optimiser step per batch. */
    void run(FusedNetwork net, boolean augment, Random rng) {
        int n = order.length;
        int d = data.featureSize();
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int from = 0; from < n; from += batch) {
            int size = Math.min(batch, n - from);
            for (int r = 0; r < size; r++) {
                data.copyFeatures(order[from + r], x, r * d);
                y[r] = data.label(order[from + r]);
            }
            float[] in = x;
            if (augment) {
                if (augmentIn != null) {
                    augmentIn.normalise(x, 0, size * d);
                }
                Augmentation.draw(rng, size, side, false).apply(x, size, augmented);
                if (augmentIn != null) {
                    augmentIn.denormalise(augmented, 0, size * d);
                }
                in = augmented;
            }
            net.step(in, y, size);
        }
    }
}
