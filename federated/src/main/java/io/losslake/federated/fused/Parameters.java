package io.losslake.federated.fused;

import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.GradientTerm;
import java.util.Arrays;
import java.util.List;

/**
 * A fused network's parameters as blocks, consecutive segments of DL4J's flat parameter vector (so
 * weights move interchangeably with a DL4J network), with their gradients, the gradient terms of the
 * client objective (FedProx, SCAFFOLD) and the optimiser, following DL4J's update rules: Sgd;
 * Nesterovs (v = mu v - lr g, w += -mu v_prev + (1 + mu) v); Adam with DL4J's bias-corrected step
 * size and epsilon 1e-8 outside the square root. Also heavy-ball momentum as PyTorch's
 * {@code SGD(momentum=mu)} without dampening (v = mu v + g, w -= lr v), which DL4J lacks.
 */
final class Parameters {
    private static final double ADAM_BETA1 = 0.9;
    private static final double ADAM_BETA2 = 0.999;
    private static final double ADAM_EPSILON = 1e-8;

    /** Values and gradients, block by block. */
    final float[][] value;
    final float[][] grad;
    private final int[] offset;
    private final int total;
    private final float[][] m;
    private final float[][] v;
    private final OptimizerSpec optimizer;
    private final List<GradientTerm> terms;
    private final float[] flatParams;
    private final float[] flatGrad;
    private long iteration;

    /**
     * @param sizes   block lengths in DL4J's parameter order
     * @param weights the flat parameter vector
     */
    Parameters(String model, int[] sizes, float[] weights, OptimizerSpec optimizer, List<GradientTerm> terms) {
        value = new float[sizes.length][];
        grad = new float[sizes.length][];
        offset = new int[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            offset[i] = at;
            at += sizes[i];
        }
        if (at != weights.length) {
            throw new IllegalArgumentException(model + " has " + at + " parameters, got " + weights.length);
        }
        total = at;
        for (int i = 0; i < sizes.length; i++) {
            value[i] = Arrays.copyOfRange(weights, offset[i], offset[i] + sizes[i]);
            grad[i] = new float[sizes[i]];
        }
        this.optimizer = optimizer;
        this.terms = List.copyOf(terms);
        this.m = optimizer.name().equals("sgd") ? null : zerosLike(value);
        this.v = optimizer.name().equals("adam") ? zerosLike(value) : null;
        this.flatParams = terms.isEmpty() ? null : new float[total];
        this.flatGrad = terms.isEmpty() ? null : new float[total];
    }

    private static float[][] zerosLike(float[][] arrays) {
        float[][] out = new float[arrays.length][];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = new float[arrays[i].length];
        }
        return out;
    }

    float[] flatValues() {
        return flatten(value, new float[total]);
    }

    float[] flatGradient() {
        return flatten(grad, new float[total]);
    }

    private float[] flatten(float[][] blocks, float[] out) {
        for (int i = 0; i < blocks.length; i++) {
            System.arraycopy(blocks[i], 0, out, offset[i], blocks[i].length);
        }
        return out;
    }

    /** Adds the objective's gradient terms (mean over the batch) to the loss gradient. */
    void addTerms() {
        if (terms.isEmpty()) {
            return;
        }
        flatten(value, flatParams);
        flatten(grad, flatGrad);
        for (GradientTerm term : terms) {
            term.addMeanGradient(flatParams, flatGrad);
        }
        for (int i = 0; i < grad.length; i++) {
            System.arraycopy(flatGrad, offset[i], grad[i], 0, grad[i].length);
        }
    }

    /** w -= scale * direction, block by block; direction is flat in DL4J's order. */
    /** Replaces every value by {@code weights} (flat); the optimiser's state is left as it is. */
    void load(float[] weights) {
        if (weights.length != total) {
            throw new IllegalArgumentException(weights.length + " weights for " + total + " parameters");
        }
        for (int b = 0; b < value.length; b++) {
            System.arraycopy(weights, offset[b], value[b], 0, value[b].length);
        }
    }

    void shift(float[] direction, float scale) {
        if (direction.length != total) {
            throw new IllegalArgumentException("a shift of " + direction.length + " values for " + total + " parameters");
        }
        for (int b = 0; b < value.length; b++) {
            float[] w = value[b];
            int at = offset[b];
            for (int i = 0; i < w.length; i++) {
                w[i] -= scale * direction[at + i];
            }
        }
    }

    /** The optimiser's rate is multiplied by this (a learning-rate schedule's factor). */
    private double rateScale = 1;

    void scaleRate(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("a learning-rate scale of " + scale);
        }
        rateScale = scale;
    }

    /** One optimiser step with the current gradient. */
    void step() {
        iteration++;
        double lr = optimizer.learningRate() * rateScale;
        for (int l = 0; l < value.length; l++) {
            float[] w = value[l];
            float[] g = grad[l];
            switch (optimizer.name()) {
                case "sgd" -> {
                    float rate = (float) lr;
                    for (int i = 0; i < w.length; i++) {
                        w[i] -= rate * g[i];
                    }
                }
                case "momentum" -> {
                    float mu = (float) optimizer.momentum();
                    float rate = (float) lr;
                    float[] velocity = m[l];
                    for (int i = 0; i < w.length; i++) {
                        float next = mu * velocity[i] + g[i];
                        velocity[i] = next;
                        w[i] -= rate * next;
                    }
                }
                case "nesterov" -> {
                    float mu = (float) optimizer.momentum();
                    float rate = (float) lr;
                    float[] velocity = m[l];
                    for (int i = 0; i < w.length; i++) {
                        float previous = velocity[i];
                        float next = mu * previous - rate * g[i];
                        velocity[i] = next;
                        w[i] -= mu * previous - (1 + mu) * next;
                    }
                }
                default -> {
                    double alpha = lr * Math.sqrt(1 - Math.pow(ADAM_BETA2, iteration)) / (1 - Math.pow(ADAM_BETA1, iteration));
                    float b1 = (float) ADAM_BETA1;
                    float b2 = (float) ADAM_BETA2;
                    float[] first = m[l];
                    float[] second = v[l];
                    for (int i = 0; i < w.length; i++) {
                        float gi = g[i];
                        first[i] = b1 * first[i] + (1 - b1) * gi;
                        second[i] = b2 * second[i] + (1 - b2) * gi * gi;
                        w[i] -= (float) (alpha * first[i] / (Math.sqrt(second[i]) + ADAM_EPSILON));
                    }
                }
            }
        }
    }
}
