package io.losslake.spark.federated;

import io.losslake.data.ClientData;
import io.losslake.data.ImageSubset;
import io.losslake.data.LabeledImages;
import io.losslake.data.partition.Partition;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * One simulated client as a Spark record: its id and the indices of its examples in a broadcast
 * training set. Small, so a task carries it for free.
 */
public record ClientShard(int clientId, int[] examples) implements java.io.Serializable {

    /**
     * The clients of {@code partition} over the broadcast {@code images}, one Spark partition per
     * client: client c lives in partition c.
     */
    public static ClientSource source(JavaSparkContext jsc, Broadcast<LabeledImages> images, Partition partition) {
        List<ClientShard> shards = new ArrayList<>(partition.numClients());
        for (int c = 0; c < partition.numClients(); c++) {
            shards.add(new ClientShard(c, partition.examples(c)));
        }
        JavaRDD<ClientData> clients = jsc.parallelize(shards, shards.size())
                .map(s -> (ClientData) new ImageSubset(s.clientId(), images.value(), s.examples()));
        return ClientSource.of(clients, partition.numClients());
    }
}
