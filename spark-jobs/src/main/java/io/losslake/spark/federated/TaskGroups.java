package io.losslake.spark.federated;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.Partition;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;

/**
 * How a round's work is bundled into Spark tasks. Each task costs ~10 ms of scheduling,
 * (de)serialisation and launch on top of its clients' training, which for small clients is as much
 * as the training itself, so a round runs one to two tasks per task slot (see
 * {@link SparkExecutor#MIN_EXAMPLES_PER_TASK}). The unit of work is a block of consecutive
 * dispatched clients (a node of the round's {@link io.losslake.federated.strategy.SumTree}, so a
 * task can hand in its blocks' sums); blocks are grouped per host of their cached clients (no
 * remote reads) and balanced by estimated work (examples fed through training) with the
 * longest-processing-time rule. Which task trains a client does not change its outcome.
 *
 * <p>Spark checks that a coalescer is serialisable with Scala's marker interface.
 */
final class TaskGroups implements PartitionCoalescer, scala.Serializable {
    /** Per group, the indices into the pruned RDD's partitions it reads. */
    private final int[][] partitions;
    /** Per group, the blocks (indices into the block list) it trains. */
    private final int[][] blocks;

    private TaskGroups(int[][] partitions, int[][] blocks) {
        this.partitions = partitions;
        this.blocks = blocks;
    }

    /**
     * Groups {@code blocks} into at most {@code tasks} groups.
     *
     * @param partitionOfBlock per block, the indices into {@code pruned}'s partitions that hold its clients
     * @param work             per block, its estimated work
     */
    static TaskGroups of(RDD<?> pruned, int[][] partitionOfBlock, double[] work, int tasks) {
        Partition[] all = pruned.partitions();
        Map<String, List<Integer>> byHost = new LinkedHashMap<>();
        for (int b = 0; b < partitionOfBlock.length; b++) {
            scala.collection.Seq<String> hosts = pruned.preferredLocations(all[partitionOfBlock[b][0]]);
            byHost.computeIfAbsent(hosts.isEmpty() ? "" : hosts.head(), h -> new ArrayList<>()).add(b);
        }
        double total = 0;
        for (double w : work) {
            total += w;
        }
        List<int[]> groups = new ArrayList<>();
        for (List<Integer> members : byHost.values()) {
            double share = members.stream().mapToDouble(b -> work[b]).sum();
            int k = (int) Math.max(1, Math.min(members.size(), Math.round(tasks * (total > 0 ? share / total : 1.0 / byHost.size()))));
            groups.addAll(balance(members, work, k));
        }
        int[][] reads = new int[groups.size()][];
        for (int g = 0; g < reads.length; g++) {
            TreeSet<Integer> parts = new TreeSet<>();
            for (int b : groups.get(g)) {
                for (int p : partitionOfBlock[b]) {
                    parts.add(p);
                }
            }
            reads[g] = parts.stream().mapToInt(Integer::intValue).toArray();
        }
        return new TaskGroups(reads, groups.toArray(int[][]::new));
    }

    /** Longest processing time first: each block, largest first, to the least loaded of k groups. */
    private static List<int[]> balance(List<Integer> members, double[] work, int k) {
        List<Integer> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparingDouble((Integer b) -> -work[b]).thenComparingInt(b -> b));
        double[] load = new double[k];
        List<List<Integer>> groups = new ArrayList<>();
        for (int g = 0; g < k; g++) {
            groups.add(new ArrayList<>());
        }
        for (int b : sorted) {
            int least = 0;
            for (int g = 1; g < k; g++) {
                if (load[g] < load[least]) {
                    least = g;
                }
            }
            groups.get(least).add(b);
            load[least] += work[b];
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> g : groups) {
            if (!g.isEmpty()) {
                out.add(g.stream().mapToInt(Integer::intValue).sorted().toArray());
            }
        }
        return out;
    }

    /** Per group, the blocks it trains. */
    int[][] blocks() {
        return blocks;
    }

    @Override
    public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
        Partition[] all = parent.partitions();
        PartitionGroup[] out = new PartitionGroup[partitions.length];
        for (int g = 0; g < partitions.length; g++) {
            scala.collection.Seq<String> hosts = parent.preferredLocations(all[partitions[g][0]]);
            out[g] = new PartitionGroup(hosts.isEmpty() ? Option.empty() : Option.apply(hosts.head()));
            for (int i : partitions[g]) {
                out[g].partitions().$plus$eq(all[i]);
            }
        }
        return out;
    }
}
