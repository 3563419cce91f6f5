package io.losslake.federated;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client keeps between the rounds it takes part in (SCAFFOLD's control variate, personal
 * layers), as named flat tensors. Immutable; {@link #EMPTY} for a client seen for the first time.
 */
public record ClientState(Map<String, float[]> tensors) implements java.io.Serializable {
    public static final ClientState EMPTY = new ClientState(Map.of());

    public ClientState {
        tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
    }

    public float[] tensor(String name) {
        return tensors.get(name);
    }

    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    /** This state with {@code name} set to {@code values}. */
    public ClientState with(String name, float[] values) {
        Map<String, float[]> next = new TreeMap<>(tensors);
        next.put(name, values);
        return new ClientState(next);
    }
}
