package io.losslake.data;

/** A dataset's training and test splits, as given by its files. */
public record TrainTest(LabeledImages train, LabeledImages test) implements java.io.Serializable {
    public TrainTest {
        if (train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new DatasetException("The training images are " + train.rows() + "x" + train.cols()
                    + " but the test images are " + test.rows() + "x" + test.cols() + "; expected one image shape.");
        }
        if (train.numClasses() != test.numClasses()) {
            throw new DatasetException("The training and test splits declare different class counts ("
                    + train.numClasses() + " vs " + test.numClasses() + ").");
        }
    }
}
