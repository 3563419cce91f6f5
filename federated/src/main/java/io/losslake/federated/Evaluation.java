package io.losslake.federated;

/**
 * A model's quality on a labelled set.
 *
 * @param examples        examples evaluated
 * @param loss            mean cross-entropy, natural log
 * @param accuracy        fraction of examples whose arg-max class is the label
 * @param perClassCorrect per class, examples of that class predicted correctly
 * @param perClassTotal   per class, examples of that class
 */
public record Evaluation(long examples, double loss, double accuracy, long[] perClassCorrect, long[] perClassTotal)
        implements java.io.Serializable {

    /** Accuracy on class {@code c}, NaN if the set holds none of it. */
    public double classAccuracy(int c) {
        return perClassTotal[c] == 0 ? Double.NaN : (double) perClassCorrect[c] / perClassTotal[c];
    }
}
