package io.losslake.data.partition;

import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Natural partitioning: one client per distinct value of an existing column (a writer, a user, a
 * hospital), as in LEAF's FEMNIST. Clients are numbered in the sorted order of their group values.
 */
public final class NaturalPartitioner implements Partitioner {
    public static final String NAME = "natural";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Partition partition(PartitionInput input, long seed) {
        String[] groups = input.groups();
        if (groups == null) {
            throw new IllegalArgumentException("The natural scheme needs a group column (--group-column) naming each example's client.");
        }
        Map<String, List<Integer>> members = new TreeMap<>();
        for (int i = 0; i < groups.length; i++) {
            if (groups[i] == null) {
                throw new IllegalArgumentException("Example " + i + " has no value in the group column; the natural scheme needs one for every example.");
            }
            members.computeIfAbsent(groups[i], g -> new ArrayList<>()).add(i);
        }
        int[][] clients = new int[members.size()][];
        int c = 0;
        for (List<Integer> group : members.values()) {
            clients[c++] = group.stream().mapToInt(Integer::intValue).toArray();
        }
        return new Partition(NAME, clients);
    }

    /** The group value of each client, in client order. */
    public static List<String> groupNames(PartitionInput input) {
        return new ArrayList<>(new java.util.TreeSet<>(java.util.Arrays.asList(input.groups())));
    }

    /** {@code natural}: one client per value of the source's --group-column. */
    public static final class Descriptor extends NamedDescriptor implements SchemeDescriptor {
        public Descriptor() {
            super(NAME, "one client per group value (--group-column, tabular)", 60);
        }

        @Override
        public String clientsFromData() {
            return "each group is one client";
        }

        @Override
        public Partitioner create(Integer clients, Values values) {
            return new NaturalPartitioner();
        }
    }
}
