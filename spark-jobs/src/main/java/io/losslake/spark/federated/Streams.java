package io.losslake.spark.federated;

/** Keys of the random streams of a run, so that each purpose draws from its own seed (see Seeds.derive). */
public final class Streams {
    public static final long PARTITION = 1;
    public static final long INITIAL_WEIGHTS = 2;
    public static final long LOCAL_TRAINING = 3;
    public static final long SAMPLING = 4;
    public static final long FATE = 5;
    public static final long HOLDOUT = 6;
    public static final long DECOMPOSITION_SAMPLE = 7;

    private Streams() {
    }
}
