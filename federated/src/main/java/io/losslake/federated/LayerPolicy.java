package io.losslake.federated;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which layers are shared through the server and which stay with each client. By default every
 * layer is averaged. Naming layers as personal gives each client its own copy of them (FedPer,
 * Arivazhagan et al. 2019: personal head; LG-FedAvg, Liang et al. 2020: personal representation;
 * FedBN-style splits): a client starts every round from the global shared layers plus its own
 * personal ones, and keeps the personal ones it trained. The global model still averages all
 * layers, so a client seen for the first time starts from the global values and the global model
 * can be evaluated as a whole.
 *
 * @param personalLayers layer indices (as in the model's parameter names, {@code <layer>_W}) kept local
 */
public record LayerPolicy(Set<Integer> personalLayers) implements java.io.Serializable {
    public static final LayerPolicy SHARE_ALL = new LayerPolicy(Set.of());
    static final String PERSONAL_PREFIX = "personal.";

    public LayerPolicy {
        personalLayers = Set.copyOf(new TreeSet<>(personalLayers));
    }

    public boolean isPersonalised() {
        return !personalLayers.isEmpty();
    }

    /** Fails if a named layer has no parameters in this model. */
    public void validate(ParamLayout layout) {
        for (int layer : personalLayers) {
            if (layout.ofLayers(List.of(layer)).isEmpty()) {
                throw new IllegalArgumentException("Invalid --personal-layers: layer " + layer + " has no parameters; the model's layers with "
                        + "parameters are " + layout.layers() + ".");
            }
        }
        if (layout.layers().stream().allMatch(personalLayers::contains)) {
            throw new IllegalArgumentException("Invalid --personal-layers: every layer would stay local, so nothing would be federated.");
        }
    }

    /** The weights a client starts from: the global ones with its personal tensors, if it has them. */
    public float[] startWeights(float[] global, ClientState state, ParamLayout layout) {
        if (!isPersonalised()) {
            return global;
        }
        float[] start = global.clone();
        for (ParamLayout.Tensor t : layout.ofLayers(personalLayers)) {
            float[] mine = state.tensor(PERSONAL_PREFIX + t.name());
            if (mine != null) {
                System.arraycopy(mine, 0, start, t.offset(), t.length());
            }
        }
        return start;
    }

    /** The client's state with its trained personal tensors stored. */
    public ClientState keep(float[] trained, ClientState state, ParamLayout layout) {
        ClientState next = state;
        for (ParamLayout.Tensor t : layout.ofLayers(personalLayers)) {
            float[] mine = new float[t.length()];
            System.arraycopy(trained, t.offset(), mine, 0, t.length());
            next = next.with(PERSONAL_PREFIX + t.name(), mine);
        }
        return next;
    }

    /** {@code state} without the personal copies of layers this policy shares (a layer the auto-barrier policy averages again). */
    public ClientState dropShared(ClientState state, ParamLayout layout) {
        java.util.Map<String, float[]> kept = new java.util.TreeMap<>(state.tensors());
        for (ParamLayout.Tensor t : layout.tensors()) {
            if (!personalLayers.contains(t.layer())) {
                kept.remove(PERSONAL_PREFIX + t.name());
            }
        }
        return kept.size() == state.tensors().size() ? state : new ClientState(kept);
    }
}
