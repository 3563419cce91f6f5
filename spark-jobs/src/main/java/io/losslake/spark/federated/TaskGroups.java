package io.losslake.spark.federated;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partition;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;

/**
 * How a round's cached partitions are bundled into Spark tasks: each task costs ~10 ms of
 * scheduling, (de)serialisation and launch on top of its clients' training, which for small clients
 * is as much as the training itself, so a round runs about twice as many tasks as there are task
 * slots (enough for the scheduler to even out what the estimate misses), each bundling partitions
 * of one host (no remote reads of cached clients), balanced by their estimated work (examples x
 * work fraction) with the longest-processing-time rule. Which task trains a client does not change
 * its outcome.
 */
final class TaskGroups implements PartitionCoalescer, scala.Serializable { // Spark checks for Scala 2.12's marker
    private final int[][] groups;

    private TaskGroups(int[][] groups) {
        this.groups = groups;
    }

    /**
     * Groups the partitions of {@code pruned} (indices into its partitions) whose estimated work is
     * {@code work[i]} into at most {@code tasks} groups.
     */
    static TaskGroups of(RDD<?> pruned, double[] work, int tasks) {
        Partition[] partitions = pruned.partitions();
        Map<String, List<Integer>> byHost = new LinkedHashMap<>();
        for (int i = 0; i < partitions.length; i++) {
            scala.collection.Seq<String> hosts = pruned.preferredLocations(partitions[i]);
            String host = hosts.isEmpty() ? "" : hosts.head();
            byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(i);
        }
        double total = Arrays.stream(work).sum();
        List<int[]> out = new ArrayList<>();
        for (List<Integer> members : byHost.values()) {
            double share = members.stream().mapToDouble(i -> work[i]).sum();
            int k = (int) Math.max(1, Math.min(members.size(), Math.round(tasks * (total > 0 ? share / total : 1.0 / byHost.size()))));
            out.addAll(balance(members, work, k));
        }
        return new TaskGroups(out.toArray(int[][]::new));
    }

    /** Longest processing time first: each partition, largest first, to the least loaded of k groups. */
    private static List<int[]> balance(List<Integer> members, double[] work, int k) {
        List<Integer> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparingDouble((Integer i) -> -work[i]).thenComparingInt(i -> i));
        double[] load = new double[k];
        List<List<Integer>> groups = new ArrayList<>();
        for (int g = 0; g < k; g++) {
            groups.add(new ArrayList<>());
        }
        for (int i : sorted) {
            int least = 0;
            for (int g = 1; g < k; g++) {
                if (load[g] < load[least]) {
                    least = g;
                }
            }
            groups.get(least).add(i);
            load[least] += work[i];
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> g : groups) {
            if (!g.isEmpty()) {
                out.add(g.stream().mapToInt(Integer::intValue).sorted().toArray());
            }
        }
        return out;
    }

    /** The groups, each a list of indices into the pruned RDD's partitions. */
    int[][] groups() {
        return groups;
    }

    @Override
    public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
        Partition[] partitions = parent.partitions();
        PartitionGroup[] out = new PartitionGroup[groups.length];
        for (int g = 0; g < groups.length; g++) {
            scala.collection.Seq<String> hosts = parent.preferredLocations(partitions[groups[g][0]]);
            out[g] = new PartitionGroup(hosts.isEmpty() ? Option.empty() : Option.apply(hosts.head()));
            for (int i : groups[g]) {
                out[g].partitions().$plus$eq(partitions[i]);
            }
        }
        return out;
    }
}
