package io.losslake.federated.simulation;

import io.losslake.federated.distill.ServerTuning;
import io.losslake.federated.distill.SyntheticSet;
import io.losslake.federated.strategy.ServerState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Synthetic sets as a round option of any strategy: a client uploads its synthetic set (distilled
 * from its data beforehand) with its first update that the server accepts, and after aggregating
 * every round the server fine-tunes the global model on the union of the sets received so far
 * ({@link ServerTuning}). Which clients' sets the server holds travels in the checkpoint's server
 * state as the tensor {@value #RECEIVED} (their ids, ascending), kept apart from the strategy's own
 * state, so a resumed run fine-tunes on the same union.
 *
 * @param tuning how the server fine-tunes
 * @param sets   each client's synthetic set by client id, in the run's input units
 */
public record SyntheticRounds(ServerTuning tuning, Map<Integer, SyntheticSet> sets) implements java.io.Serializable {
    static final String RECEIVED = "synthetic.received";

    public SyntheticRounds {
        sets = Map.copyOf(sets);
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("synthetic rounds need at least one client's synthetic set");
        }
        for (int id : sets.keySet()) {
            if (id < 0 || id >= 1 << 24) {
                throw new IllegalArgumentException("synthetic rounds hold client ids in [0, 2^24), not " + id);
            }
        }
    }

    /** Values a client sends with its set: every pixel and one label per example. */
    long floats(int clientId) {
        SyntheticSet s = sets.get(clientId);
        return s == null ? 0 : (long) s.features().length + s.size();
    }

    /** The union of the received clients' sets, in ascending client order. */
    SyntheticSet union(Set<Integer> received) {
        List<SyntheticSet> chosen = new ArrayList<>();
        for (int id : new TreeSet<>(received)) {
            SyntheticSet s = sets.get(id);
            if (s != null && s.size() > 0) {
                chosen.add(s);
            }
        }
        return chosen.isEmpty() ? null : SyntheticSet.union(-1, chosen);
    }

    /** The clients whose sets {@code state} says the server holds. */
    static Set<Integer> received(ServerState state) {
        Set<Integer> out = new TreeSet<>();
        float[] ids = state.tensors().get(RECEIVED);
        if (ids != null) {
            for (float id : ids) {
                out.add((int) id);
            }
        }
        return out;
    }

    /** {@code state} with {@code received} recorded (client ids are below 2^24, exact in a float). */
    static ServerState withReceived(ServerState state, Set<Integer> received) {
        float[] ids = new float[received.size()];
        int i = 0;
        for (int id : new TreeSet<>(received)) {
            ids[i++] = id;
        }
        Map<String, float[]> tensors = new TreeMap<>(state.tensors());
        tensors.put(RECEIVED, ids);
        return new ServerState(tensors, state.scalars());
    }

    /** {@code state} without the received clients. */
    static ServerState without(ServerState state) {
        if (!state.tensors().containsKey(RECEIVED)) {
            return state;
        }
        Map<String, float[]> tensors = new HashMap<>(state.tensors());
        tensors.remove(RECEIVED);
        return new ServerState(tensors, state.scalars());
    }
}
