package io.losslake.federated;

/**
 * Keys of a run's random streams, so that each purpose draws from its own seed
 * ({@code Seeds.derive(runSeed, key, ids...)}): the partition, the initial weights, each client's
 * batch order in each round, client sampling, each sampled client's fate (dropout, straggling), the
 * personal hold-out slices, the loss decomposition's sample and the barriers' choices. Centralised training draws its
 * initial weights from {@link #INITIAL_WEIGHTS} and its epoch shuffles from {@link #LOCAL_TRAINING}
 * keyed by the epoch alone. The values are part of every stored run's numbers: never renumber.
 */
public final class Streams {
    public static final long PARTITION = 1;
    public static final long INITIAL_WEIGHTS = 2;
    public static final long LOCAL_TRAINING = 3;
    public static final long SAMPLING = 4;
    public static final long FATE = 5;
    public static final long HOLDOUT = 6;
    public static final long DECOMPOSITION_SAMPLE = 7;
    /** The test examples barriers are measured on, the clients they compare each round, the random cumulative order. */
    public static final long BARRIERS = 8;
    /** Each client's distillation (initial images, embedding networks, real batches, augmentation), keyed by client id. */
    public static final long DISTILL = 9;
    // 10 is unused: the random-real baseline draws from DISTILL, so that it is the set the method started from
    /** The evaluation networks trained on synthetic sets, keyed by evaluation seed. */
    public static final long DISTILL_EVAL = 11;
    /** The server's fine-tuning on the clients' synthetic sets, keyed by round. */
    public static final long SERVER_TUNING = 12;

    private Streams() {
    }
}
