package io.losslake.federated.simulation;

import io.losslake.federated.ClientState;
import java.util.Map;

/**
 * Where a run's rounds go and where its clients' state is kept: the Delta lake (spark-jobs), or
 * memory ({@link MemorySink}). The round loop records each finished round and reads, before a
 * round, the state of the clients it dispatches; it never learns how either is stored.
 * Implementations may batch writes, but a checkpoint is durable only after the rounds and client
 * states it depends on, so a run killed at any point resumes from a consistent round.
 */
public interface RoundSink extends AutoCloseable {
    /** The latest state, recorded before {@code round}, of each of {@code clients} that has one. */
    Map<Integer, ClientState> clientStates(int[] clients, int round);

    /** Takes a finished round. */
    void record(RoundRecord round);

    /** Makes every recorded round durable; the loop calls it after its last round. */
    void flush();

    @Override
    default void close() {
        flush();
    }
}
