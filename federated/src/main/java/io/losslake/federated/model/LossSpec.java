package io.losslake.federated.model;

/**
 * The loss a client's output layer trains with: plain cross-entropy, or FedLD's margin-controlled
 * cross-entropy (see {@link MarginControlledCrossEntropy}).
 *
 * @param marginLambda 0 for plain cross-entropy, else the weight of FedLD's margin term
 * @param perSample    margin term per example (the paper's intent) or over the whole batch (the
 *                     reference code)
 */
public record LossSpec(double marginLambda, boolean perSample) implements java.io.Serializable {
    public static final LossSpec CROSS_ENTROPY = new LossSpec(0, true);

    public LossSpec {
        if (!(marginLambda >= 0) || Double.isInfinite(marginLambda)) {
            throw new IllegalArgumentException("Invalid --margin-lambda " + marginLambda + ": expected 0 or a positive number.");
        }
    }

    public boolean isPlain() {
        return marginLambda == 0;
    }
}
