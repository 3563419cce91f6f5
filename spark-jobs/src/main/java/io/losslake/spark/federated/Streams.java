package io.losslake.spark.federated;

/** Keys of the random streams of a run, so that each purpose draws from its own seed (see Seeds.derive). */
public final class Streams {
    public static final long PARTITION = 1;
    public static final long INITIAL_WEIGHTS = 2;
    public static final long LOCAL_TRAINING = 3;

    private Streams() {
    }
}
