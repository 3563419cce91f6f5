package io.losslake.federated.strategy;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strategy's state between rounds (server momentum, Adam moments, control variates), as an
 * explicit immutable value: the strategy receives it and returns the next one, so a checkpoint is
 * just this value and no call order is hidden in mutable fields.
 *
 * @param tensors named flat arrays
 * @param scalars named numbers
 */
public record ServerState(Map<String, float[]> tensors, Map<String, Double> scalars) implements java.io.Serializable {
    public static final ServerState EMPTY = new ServerState(Map.of(), Map.of());

    public ServerState {
        tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
        scalars = Collections.unmodifiableMap(new TreeMap<>(scalars));
    }
}
