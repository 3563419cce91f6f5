package io.losslake.spark.federated;

import io.losslake.data.ClientData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.storage.StorageLevel;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * A run's clients, cached on the executors in Spark partitions that each hold whole clients, plus
 * the one thing the driver keeps per client: which partition it lives in (an int), so a round's
 * Spark job touches only the partitions of the clients it sampled.
 */
public final class ClientSource {
    private final JavaRDD<ClientData> clients;
    private final int[] partitionOf;
    private final int[] sizeOf;
    private final int[] available;
    private final long examples;

    private ClientSource(JavaRDD<ClientData> clients, int[] partitionOf, int[] sizeOf, int[] available, long examples) {
        this.clients = clients;
        this.partitionOf = partitionOf;
        this.sizeOf = sizeOf;
        this.available = available;
        this.examples = examples;
    }

    /** Caches {@code rdd} and records where each client lives; {@code numClients} bounds the client ids. */
    @SuppressWarnings("unchecked")
    public static ClientSource of(JavaRDD<? extends ClientData> rdd, int numClients) {
        JavaRDD<ClientData> cached = ((JavaRDD<ClientData>) rdd).persist(StorageLevel.MEMORY_AND_DISK());
        List<long[]> where = cached.mapPartitionsWithIndex((index, it) -> {
            List<long[]> out = new ArrayList<>();
            Iterator<ClientData> clients = it;
            while (clients.hasNext()) {
                ClientData c = clients.next();
                out.add(new long[] {c.clientId(), index, c.size()});
            }
            return out.iterator();
        }, true).collect();
        int[] partitionOf = new int[numClients];
        int[] sizeOf = new int[numClients];
        Arrays.fill(partitionOf, -1);
        long examples = 0;
        List<Integer> withData = new ArrayList<>();
        for (long[] w : where) {
            if (w[2] > 0) {
                partitionOf[(int) w[0]] = (int) w[1];
                sizeOf[(int) w[0]] = (int) w[2];
                withData.add((int) w[0]);
                examples += w[2];
            }
        }
        int[] available = withData.stream().mapToInt(Integer::intValue).sorted().toArray();
        return new ClientSource(cached, partitionOf, sizeOf, available, examples);
    }

    /** Every cached client (for tools that want them all, e.g. to train them without Spark). */
    public JavaRDD<ClientData> rdd() {
        return clients;
    }

    /** The partition holding {@code clientId}. */
    public int partitionOf(int clientId) {
        return partitionOf[clientId];
    }

    /** Examples {@code clientId} holds. */
    public int sizeOf(int clientId) {
        return sizeOf[clientId];
    }

    /** Only the partitions holding {@code clientIds}, in partition order: one Spark task each. */
    public JavaRDD<ClientData> prune(int[] clientIds) {
        TreeSet<Integer> partitions = new TreeSet<>();
        for (int c : clientIds) {
            partitions.add(partitionOf(c));
        }
        return new JavaRDD<>(PartitionPruningRDD.create(clients.rdd(), new PartitionFilter(partitions)), ClassTag$.MODULE$.apply(ClientData.class));
    }

    /** Ids of the clients that hold data, ascending. */
    public int[] available() {
        return available;
    }

    public long examples() {
        return examples;
    }

    public void release() {
        clients.unpersist(false);
    }

    /** Keeps the partitions in a set (a serializable Scala function, as PartitionPruningRDD wants). */
    private static final class PartitionFilter extends AbstractFunction1<Object, Object> implements java.io.Serializable {
        private final TreeSet<Integer> keep;

        PartitionFilter(TreeSet<Integer> keep) {
            this.keep = keep;
        }

        @Override
        public Object apply(Object index) {
            return keep.contains((Integer) index);
        }
    }
}
