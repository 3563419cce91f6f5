package io.losslake.federated.objective;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A term a client adds to its local objective on top of the data loss, contributing to every step's
 * gradient: FedProx's proximal term, SCAFFOLD's drift correction. Applied after DL4J has computed
 * the data gradient and before the optimiser uses it, so momentum and Adam see the full objective.
 */
public interface GradientTerm extends java.io.Serializable {
    /**
     * Adds this term's gradient at {@code params} to {@code gradientSum}, in place.
     *
     * @param gradientSum the data gradient summed over the batch (DL4J divides it by the batch size
     *                    afterwards), so a term whose gradient is g adds {@code batchSize * g}
     */
    void addGradient(INDArray params, INDArray gradientSum, int batchSize);

    /**
     * Adds this term's gradient at {@code params} to {@code gradientMean}, in place: the fused
     * training path's form, whose data gradient is already the batch mean.
     */
    void addMeanGradient(float[] params, float[] gradientMean);

    /** The term's value at {@code params}, for reporting. */
    double value(float[] params);
}
