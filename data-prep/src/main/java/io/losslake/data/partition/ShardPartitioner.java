package io.losslake.data.partition;

import io.losslake.common.Param;
import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.data.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pathological label skew (McMahan et al., 2017; Flower's {@code PathologicalPartitioner}): every
 * client holds examples of exactly {@code k} classes. Classes are handed out so that each class has
 * as many holders as any other, give or take one (ties broken at random by the seed), and each class's
 * examples are then split evenly among its holders, so every example is assigned exactly once.
 */
public final class ShardPartitioner implements Partitioner {
    public static final String NAME = "shards";

    private final int numClients;
    private final int classesPerClient;

    public ShardPartitioner(int numClients, int classesPerClient) {
        Partitioners.requireClients(numClients);
        if (classesPerClient < 1) {
            throw new IllegalArgumentException("Invalid --classes-per-client " + classesPerClient + ": expected at least 1.");
        }
        this.numClients = numClients;
        this.classesPerClient = classesPerClient;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Partition partition(PartitionInput input, long seed) {
        int[][] byClass = input.byClass();
        List<Integer> present = new ArrayList<>();
        for (int k = 0; k < byClass.length; k++) {
            if (byClass[k].length > 0) {
                present.add(k);
            }
        }
        int classes = present.size();
        if (classesPerClient > classes) {
            throw new IllegalArgumentException("Invalid --classes-per-client " + classesPerClient + ": the data has only " + classes + " classes.");
        }
        if ((long) numClients * classesPerClient < classes) {
            throw new IllegalArgumentException(numClients + " clients with " + classesPerClient + " classes each leave classes without a holder: "
                    + "need clients x classes-per-client >= " + classes + ".");
        }
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, 0x5A));
        int[] holders = new int[byClass.length];
        List<List<Integer>> holdersOf = new ArrayList<>();
        for (int k = 0; k < byClass.length; k++) {
            holdersOf.add(new ArrayList<>());
        }
        for (int c = 0; c < numClients; c++) {
            // the k least-held classes, ties in a fresh random order
            double[] tieBreak = new double[byClass.length];
            for (int k : present) {
                tieBreak[k] = random.nextDouble();
            }
            Integer[] order = present.toArray(Integer[]::new);
            Arrays.sort(order, (a, b) -> holders[a] != holders[b] ? Integer.compare(holders[a], holders[b]) : Double.compare(tieBreak[a], tieBreak[b]));
            for (int j = 0; j < classesPerClient; j++) {
                holders[order[j]]++;
                holdersOf.get(order[j]).add(c);
            }
        }
        List<List<Integer>> clients = new ArrayList<>();
        for (int c = 0; c < numClients; c++) {
            clients.add(new ArrayList<>());
        }
        for (int k : present) {
            List<Integer> owners = holdersOf.get(k);
            if (byClass[k].length < owners.size()) {
                throw new IllegalArgumentException("Class " + k + " has " + byClass[k].length + " examples for " + owners.size()
                        + " clients: shards needs at least one per holder; use fewer clients or more classes per client.");
            }
            int[] members = byClass[k].clone();
            Seeds.shuffle(members, random.nextLong());
            int[][] pieces = Cuts.pieces(members, Cuts.even(members.length, owners.size()));
            for (int h = 0; h < owners.size(); h++) {
                for (int i : pieces[h]) {
                    clients.get(owners.get(h)).add(i);
                }
            }
        }
        int[][] out = new int[numClients][];
        for (int c = 0; c < numClients; c++) {
            out[c] = clients.get(c).stream().mapToInt(Integer::intValue).toArray();
        }
        return new Partition(NAME, out);
    }

    /** {@code shards --clients [--classes-per-client]}. */
    public static final class Descriptor extends NamedDescriptor implements SchemeDescriptor {
        static final Param<Integer> CLASSES_PER_CLIENT = Param.integer("classes-per-client", 2, "classes per client");

        public Descriptor() {
            super(NAME, "pathological: exactly k classes per client", 30, CLASSES_PER_CLIENT);
        }

        @Override
        public Partitioner create(Integer clients, Values values) {
            return new ShardPartitioner(clients, values.get(CLASSES_PER_CLIENT));
        }
    }
}
