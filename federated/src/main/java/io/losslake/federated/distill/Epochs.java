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

    Epochs(ClientData data, int batchSize) {
        this.data = data;
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
                Augmentation.draw(rng, size, side, false).apply(x, size, augmented);
                in = augmented;
            }
            net.step(in, y, size);
        }
    }
}
