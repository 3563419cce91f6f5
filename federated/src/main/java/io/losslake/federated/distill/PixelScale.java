package io.losslake.federated.distill;

import io.losslake.data.ClientData;

/**
 * One mean and standard deviation over every pixel of a set, as the dataset-condensation code
 * normalises images (Fashion-MNIST: 0.2861, 0.3530 on [0, 1] pixels): augmentation's brightness and
 * zero padding, and the synthetic images' learning rate, are in these units.
 */
public record PixelScale(double mean, double std) implements java.io.Serializable {
    public PixelScale {
        if (!(std > 0) || !Double.isFinite(mean) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("pixel scale needs a finite mean and a positive std, got " + mean + ", " + std);
        }
    }

    /** The moments of every pixel of {@code data} (a constant set gets std 1). */
    public static PixelScale of(ClientData data) {
        int d = data.featureSize();
        float[] row = new float[d];
        double sum = 0;
        double sumSq = 0;
        long count = (long) data.size() * d;
        for (int i = 0; i < data.size(); i++) {
            data.copyFeatures(i, row, 0);
            for (float v : row) {
                sum += v;
                sumSq += (double) v * v;
            }
        }
        if (count == 0) {
            return new PixelScale(0, 1);
        }
        double mean = sum / count;
        double var = Math.max(0, sumSq / count - mean * mean);
        return new PixelScale(mean, var > 0 ? Math.sqrt(var) : 1);
    }

    public void normalise(float[] x, int from, int length) {
        float m = (float) mean;
        float inv = (float) (1 / std);
        for (int i = from; i < from + length; i++) {
            x[i] = (x[i] - m) * inv;
        }
    }

    public void denormalise(float[] x, int from, int length) {
        float m = (float) mean;
        float s = (float) std;
        for (int i = from; i < from + length; i++) {
            x[i] = x[i] * s + m;
        }
    }

    /** A view of {@code data} whose features come out normalised. */
    public ClientData view(ClientData data) {
        PixelScale scale = this;
        return new ClientData() {
            @Override
            public int clientId() {
                return data.clientId();
            }

            @Override
            public int size() {
                return data.size();
            }

            @Override
            public int featureSize() {
                return data.featureSize();
            }

            @Override
            public int numClasses() {
                return data.numClasses();
            }

            @Override
            public int label(int i) {
                return data.label(i);
            }

            @Override
            public void copyFeatures(int i, float[] dst, int offset) {
                data.copyFeatures(i, dst, offset);
                scale.normalise(dst, offset, data.featureSize());
            }
        };
    }
}
