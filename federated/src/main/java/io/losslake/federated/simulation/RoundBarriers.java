package io.losslake.federated.simulation;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.ClientUpdate;
import io.losslake.federated.ParamLayout;
import io.losslake.federated.Streams;
import io.losslake.federated.barrier.BarrierWatch;
import io.losslake.federated.barrier.Barriers;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.strategy.ServerState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A run's barriers between the round's new global model and a seeded sample of its clients, and
 * the auto-barrier layer policy that reads them ({@link BarrierWatch}). The policy's choice of local
 * layers travels in the checkpoint's server state as scalars {@code layers.local.<layer>} = 1, kept
 * apart from the strategy's own state, so a resumed run continues with the same choice.
 */
final class RoundBarriers {
    static final String LOCAL_PREFIX = "layers.local.";

    /** One pair's barriers. */
    record Pair(String pair, Barriers.Report report) implements java.io.Serializable {
    }

    private final BarrierWatch watch;
    private final Barriers barriers;
    private final int blocks;
    private final long seed;
    private final int evalExamples;

    RoundBarriers(BarrierWatch watch, ModelSpec model, ParamLayout layout, ClientData test, long seed) {
        this.watch = watch;
        int n = Math.min(watch.sample(), test.size());
        int[] order = new int[test.size()];
        Arrays.setAll(order, i -> i);
        Seeds.shuffle(order, Seeds.derive(seed, Streams.BARRIERS));
        int[] chosen = Arrays.copyOf(order, n);
        Arrays.sort(chosen);
        this.barriers = new Barriers(model, layout, test.subset(chosen), watch.grid());
        this.blocks = barriers.blocks().size();
        this.seed = seed;
        this.evalExamples = n;
    }

    /** The dispatched clients whose models {@code round} compares: a seeded sample of {@code dispatched} (ascending). */
    int[] chosen(int round, int[] dispatched) {
        int[] order = dispatched.clone();
        Arrays.sort(order);
        Seeds.shuffle(order, Seeds.derive(seed, Streams.BARRIERS, round));
        int[] out = Arrays.copyOf(order, Math.min(watch.clients(), order.length));
        Arrays.sort(out);
        return out;
    }

    /** Barriers of the new global model against each chosen client's model, and of each pair of chosen clients, layer by layer. */
    List<Pair> measure(float[] global, List<ClientUpdate> chosen) {
        List<Pair> out = new ArrayList<>();
        for (ClientUpdate u : chosen) {
            out.add(new Pair("global,client:" + u.clientId(), barriers.all(global, u.weights(), true, List.of(), 0, Barriers.Progress.NONE)));
        }
        for (int i = 0; i < chosen.size(); i++) {
            for (int j = i + 1; j < chosen.size(); j++) {
                out.add(new Pair("client:" + chosen.get(i).clientId() + ",client:" + chosen.get(j).clientId(),
                        barriers.all(chosen.get(i).weights(), chosen.get(j).weights(), true, List.of(), 0, Barriers.Progress.NONE)));
            }
        }
        return out;
    }

    /** Test examples the barriers are measured on. */
    int evalExamples() {
        return evalExamples;
    }

    /**
     * The policy's local layers for the next round: a block whose mean layer barrier over the client
     * pairs (loss, both variants) exceeds the threshold becomes local, a local one whose barrier falls
     * below the release is averaged again; without client pairs the choice stands. At least one
     * block is always averaged (the one with the smallest barrier).
     */
    Set<Integer> next(Set<Integer> local, List<Pair> measured) {
        Map<Integer, double[]> sums = new TreeMap<>();
        for (Pair p : measured) {
            if (!p.pair().startsWith("client:")) {
                continue;
            }
            for (Barriers.Result r : p.report().results()) {
                if (r.kind().equals("layer")) {
                    double[] s = sums.computeIfAbsent(r.block(), k -> new double[2]);
                    s[0] += r.lossBarrier();
                    s[1]++;
                }
            }
        }
        if (sums.isEmpty()) {
            return local;
        }
        Set<Integer> next = new TreeSet<>();
        int smallest = -1;
        double smallestBarrier = Double.POSITIVE_INFINITY;
        for (Map.Entry<Integer, double[]> e : sums.entrySet()) {
            int layer = barriers.blocks().get(e.getKey()).layer();
            double barrier = e.getValue()[0] / e.getValue()[1];
            boolean isLocal = local.contains(layer);
            if ((isLocal && barrier >= watch.release()) || (!isLocal && barrier > watch.threshold())) {
                next.add(layer);
            }
            if (barrier < smallestBarrier) {
                smallestBarrier = barrier;
                smallest = layer;
            }
        }
        if (next.size() == blocks) {
            next.remove(smallest);
        }
        return next;
    }

    /** The local layers a server state holds. */
    static Set<Integer> local(ServerState state) {
        Set<Integer> out = new TreeSet<>();
        state.scalars().forEach((k, v) -> {
            if (k.startsWith(LOCAL_PREFIX) && v != 0) {
                out.add(Integer.parseInt(k.substring(LOCAL_PREFIX.length())));
            }
        });
        return out;
    }

    /** The strategy's own part of a server state. */
    static ServerState strategyPart(ServerState state) {
        if (state.scalars().keySet().stream().noneMatch(k -> k.startsWith(LOCAL_PREFIX))) {
            return state;
        }
        Map<String, Double> scalars = new HashMap<>(state.scalars());
        scalars.keySet().removeIf(k -> k.startsWith(LOCAL_PREFIX));
        return new ServerState(state.tensors(), scalars);
    }

    /** The strategy's state with the policy's local layers. */
    static ServerState withLocal(ServerState strategyState, Set<Integer> local) {
        Map<String, Double> scalars = new HashMap<>(strategyState.scalars());
        local.forEach(l -> scalars.put(LOCAL_PREFIX + l, 1.0));
        return new ServerState(strategyState.tensors(), scalars);
    }
}
