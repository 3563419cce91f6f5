package io.losslake.scaling.fit;

import java.util.Arrays;

/**
 * Points to fit: per point its inputs x (C, or N and D) and its loss y, all positive and finite.
 *
 * @param x per point, the form's inputs in order
 * @param y per point, the loss
 */
public record FitData(double[][] x, double[] y) {
    public FitData {
        if (x.length != y.length) {
            throw new IllegalArgumentException("one loss per point expected: " + x.length + " points, " + y.length + " losses");
        }
        for (int i = 0; i < y.length; i++) {
            if (!(y[i] > 0) || Double.isInfinite(y[i])) {
                throw new IllegalArgumentException("Loss of point " + i + " is " + y[i] + "; losses must be positive and finite.");
            }
            for (double v : x[i]) {
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("Point " + i + " has input " + v + "; N, D and C must be positive and finite.");
                }
            }
        }
    }

    public int size() {
        return y.length;
    }

    /** Natural logs of every input, per point. */
    public double[][] logX() {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = Arrays.stream(x[i]).map(Math::log).toArray();
        }
        return out;
    }

    public double[] logY() {
        return Arrays.stream(y).map(Math::log).toArray();
    }

    /** The points at {@code indices} (repeats allowed: a bootstrap resample). */
    public FitData select(int[] indices) {
        double[][] xs = new double[indices.length][];
        double[] ys = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            xs[i] = x[indices[i]];
            ys[i] = y[indices[i]];
        }
        return new FitData(xs, ys);
    }
}
