package io.losslake.federated.simulation;

import io.losslake.federated.ClientState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps a run's rounds and client states in memory: for tests, notebooks and tools that want the
 * figures without a lake. A run resumes from {@link #latestCheckpoint()}.
 */
public final class MemorySink implements RoundSink {
    private final List<RoundRecord> rounds = new ArrayList<>();
    private final Map<Integer, TreeMap<Integer, ClientState>> states = new HashMap<>();

    @Override
    public synchronized Map<Integer, ClientState> clientStates(int[] clients, int round) {
        Map<Integer, ClientState> out = new HashMap<>();
        for (int c : clients) {
            TreeMap<Integer, ClientState> history = states.get(c);
            Map.Entry<Integer, ClientState> latest = history == null ? null : history.lowerEntry(round);
            if (latest != null) {
                out.put(c, latest.getValue());
            }
        }
        return out;
    }

    @Override
    public synchronized void record(RoundRecord round) {
        rounds.add(round);
        int r = round.metrics().round();
        round.states().forEach((client, state) -> states.computeIfAbsent(client, k -> new TreeMap<>()).put(r, state));
    }

    @Override
    public void flush() {
        // nothing to make durable
    }

    /** Every recorded round, in order. */
    public synchronized List<RoundRecord> rounds() {
        return List.copyOf(rounds);
    }

    /** Each recorded round's metrics, in order. */
    public synchronized List<RoundMetrics> metrics() {
        return rounds.stream().map(RoundRecord::metrics).toList();
    }

    /** The last recorded round's checkpoint, or null before the first. */
    public synchronized Checkpoint latestCheckpoint() {
        return rounds.isEmpty() ? null : rounds.get(rounds.size() - 1).checkpoint();
    }
}
