package io.losslake.data;

/**
 * One client's examples as a trainer sees them: a numbered set of (features, label). Features are
 * copied out row by row into the caller's batch buffer, so implementations may keep them however
 * is cheapest (bytes of a broadcast image set, or one contiguous float array).
 */
public interface ClientData {
    int clientId();

    /** Examples held. */
    int size();

    /** Values per example. */
    int featureSize();

    int numClasses();

    /** Label of the {@code i}-th example, in {@code [0, numClasses)}. */
    int label(int i);

    /** Writes the {@code i}-th example's features into {@code dst} from {@code offset}. */
    void copyFeatures(int i, float[] dst, int offset);
}
