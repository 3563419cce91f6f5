package io.losslake.data;

/** A client holding some images of a shared {@link LabeledImages} set, by index; scaled to [0, 1] on copy. */
public record ImageSubset(int clientId, LabeledImages images, int[] indices) implements ClientData, java.io.Serializable {
    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int featureSize() {
        return images.featureSize();
    }

    @Override
    public int numClasses() {
        return images.numClasses();
    }

    @Override
    public int label(int i) {
        return images.label(indices[i]);
    }

    @Override
    public void copyFeatures(int i, float[] dst, int offset) {
        images.copyFeatures(indices[i], dst, offset);
    }
}
