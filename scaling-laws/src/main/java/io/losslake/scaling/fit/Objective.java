package io.losslake.scaling.fit;

/** A smooth function to minimise: its value, and its gradient written into {@code gradient}. */
@FunctionalInterface
public interface Objective {
    double valueAndGradient(double[] x, double[] gradient);
}
