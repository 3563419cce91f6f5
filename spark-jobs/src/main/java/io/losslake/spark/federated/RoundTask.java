package io.losslake.spark.federated;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.ClientState;
import io.losslake.federated.ClientUpdate;
import io.losslake.federated.Evaluator;
import io.losslake.federated.LayerPolicy;
import io.losslake.federated.LocalTrainer;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.ParamLayout;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The body of a round's Spark task: trains, one after another, the dispatched clients that live in
 * this partition. Many small clients share a task instead of paying a task each.
 */
final class RoundTask implements FlatMapFunction<Iterator<ClientData>, ClientOutcome> {
    private final Broadcast<RoundInput> input;
    private final Broadcast<ClientData> sample;
    private final ModelSpec model;
    private final ParamLayout layout;
    private final LocalTraining local;
    private final LayerPolicy layers;
    private final double holdout;
    private final long seed;

    RoundTask(Broadcast<RoundInput> input, Broadcast<ClientData> sample, ModelSpec model, ParamLayout layout, LocalTraining local,
              LayerPolicy layers, double holdout, long seed) {
        this.input = input;
        this.sample = sample;
        this.model = model;
        this.layout = layout;
        this.local = local;
        this.layers = layers;
        this.holdout = holdout;
        this.seed = seed;
    }

    @Override
    public Iterator<ClientOutcome> call(Iterator<ClientData> clients) {
        RoundInput in = input.value();
        List<ClientOutcome> out = new ArrayList<>();
        while (clients.hasNext()) {
            ClientData client = clients.next();
            Double work = in.work().get(client.clientId());
            if (work == null) {
                continue;
            }
            out.add(train(in, client, work));
        }
        return out.iterator();
    }

    private ClientOutcome train(RoundInput in, ClientData client, double work) {
        long begin = System.nanoTime();
        int id = client.clientId();
        ClientData[] split = client.holdOut(holdout, Seeds.derive(seed, Streams.HOLDOUT, id));
        ClientData train = split[0];
        ClientData held = split[1];
        ClientState state = in.states().getOrDefault(id, ClientState.EMPTY);
        float[] start = layers.startWeights(in.global(), state, layout);
        long trainingSeed = Seeds.derive(seed, Streams.LOCAL_TRAINING, in.round(), id);
        ClientUpdate update = LocalTrainer.train(model, start, train, local, trainingSeed, in.program(), state, work);
        ClientState kept = layers.isPersonalised() ? layers.keep(update.weights(), update.state(), layout) : update.state();

        double localLoss = Double.NaN;
        double sampleLoss = Double.NaN;
        double personal = Double.NaN;
        double globalHeld = Double.NaN;
        if (in.decompose() || held.size() > 0) {
            MultiLayerNetwork trained = ModelFactory.withWeights(model, local.optimizer(), update.weights());
            if (in.decompose()) {
                localLoss = Evaluator.evaluate(trained, train).loss();
                sampleLoss = Evaluator.evaluate(trained, sample.value()).loss();
            }
            if (held.size() > 0) {
                personal = Evaluator.evaluate(trained, held).accuracy();
                globalHeld = Evaluator.evaluate(ModelFactory.withWeights(model, local.optimizer(), in.global()), held).accuracy();
            }
        }
        double norm = 0;
        for (int i = 0; i < start.length; i++) {
            double d = (double) update.weights()[i] - in.global()[i];
            norm += d * d;
        }
        ClientUpdate full = new ClientUpdate(id, update.weights(), update.numExamples(), update.stepsTaken(), update.examplesProcessed(),
                update.trainLoss(), System.nanoTime() - begin, update.extras(), kept, update.partial(),
                new ClientUpdate.ClientMetrics(localLoss, sampleLoss, personal, globalHeld));
        return new ClientOutcome(full, Math.sqrt(norm));
    }
}
