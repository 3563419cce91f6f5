package io.losslake.spark.federated;

import io.losslake.data.ImageSubset;
import io.losslake.data.LabeledImages;
import io.losslake.data.Seeds;
import io.losslake.federated.ClientUpdate;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.LocalTrainer;
import io.losslake.federated.model.ModelSpec;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/** The body of a Spark task: one client's local training from the broadcast global weights. */
final class TrainClient implements Function<ClientShard, ClientUpdate> {
    private final ModelSpec model;
    private final LocalTraining local;
    private final long runSeed;
    private final int round;
    private final Broadcast<LabeledImages> train;
    private final Broadcast<float[]> globalWeights;

    TrainClient(ModelSpec model, LocalTraining local, long runSeed, int round, Broadcast<LabeledImages> train,
                Broadcast<float[]> globalWeights) {
        this.model = model;
        this.local = local;
        this.runSeed = runSeed;
        this.round = round;
        this.train = train;
        this.globalWeights = globalWeights;
    }

    @Override
    public ClientUpdate call(ClientShard shard) {
        long seed = Seeds.derive(runSeed, Streams.LOCAL_TRAINING, round, shard.clientId());
        return LocalTrainer.train(model, globalWeights.value(), new ImageSubset(shard.clientId(), train.value(), shard.examples()), local, seed);
    }
}
