package io.losslake.federated.simulation;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.ClientState;
import io.losslake.federated.ClientUpdate;
import io.losslake.federated.Evaluator;
import io.losslake.federated.LayerPolicy;
import io.losslake.federated.LocalTrainer;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.ParamLayout;
import io.losslake.federated.Streams;
import io.losslake.federated.model.ModelSpec;

/**
 * What one dispatched client does in a round, wherever it runs (a Spark task, a thread of this
 * JVM): split off its seeded hold-out slice, start from the global weights plus its personal
 * layers, run the strategy's client program for its share of the local work, keep its personal
 * layers, and evaluate what the round asks for (its own and the global sample's loss for the loss
 * decomposition, personalised and global accuracy on its hold-out slice) on the fused forward pass.
 * A pure function of its arguments: every seed derives from the run seed, the round and the client.
 *
 * @param model   the architecture
 * @param layout  where each tensor lives in the flat weights
 * @param local   local training settings
 * @param layers  which layers stay with the client
 * @param holdout share of each client's examples held out
 * @param seed    the run seed
 */
public record ClientRunner(ModelSpec model, ParamLayout layout, LocalTraining local, LayerPolicy layers, double holdout, long seed)
        implements java.io.Serializable {

    /**
     * Trains {@code client} as {@code work} says.
     *
     * @param sample the run's fixed sample of global training data, or null when the loss decomposition is off
     */
    public ClientOutcome run(ClientData client, ClientWork work, RoundInput in, ClientData sample) {
        long begin = System.nanoTime();
        int id = client.clientId();
        if (id != work.clientId()) {
            throw new IllegalArgumentException("client " + id + " was given the work of client " + work.clientId());
        }
        ClientData[] split = client.holdOut(holdout, Seeds.derive(seed, Streams.HOLDOUT, id));
        ClientData train = split[0];
        ClientData held = split[1];
        LayerPolicy policy = in.personal() == null ? layers : new LayerPolicy(in.personal());
        ClientState state = in.personal() == null ? work.state() : policy.dropShared(work.state(), layout);
        float[] start = policy.startWeights(in.global(), state, layout);
        long trainingSeed = Seeds.derive(seed, Streams.LOCAL_TRAINING, in.round(), id);
        ClientUpdate update = LocalTrainer.train(model, start, train, local.atRound(in.round()), trainingSeed, in.program(), state, work.workFraction());
        ClientState kept = policy.isPersonalised() ? policy.keep(update.weights(), update.state(), layout) : update.state();

        double localLoss = Double.NaN;
        double sampleLoss = Double.NaN;
        if (in.decompose()) {
            if (sample == null) {
                throw new IllegalStateException("round " + in.round() + " asks for the loss decomposition but no global sample was given");
            }
            localLoss = Evaluator.evaluate(model, update.weights(), train).loss();
            sampleLoss = Evaluator.evaluate(model, update.weights(), sample).loss();
        }
        double personal = Double.NaN;
        double globalHeld = Double.NaN;
        if (held.size() > 0) {
            personal = Evaluator.evaluate(model, update.weights(), held).accuracy();
            globalHeld = Evaluator.evaluate(model, in.global(), held).accuracy();
        }
        double norm = 0;
        for (int i = 0; i < start.length; i++) {
            double d = (double) update.weights()[i] - in.global()[i];
            norm += d * d;
        }
        ClientUpdate full = new ClientUpdate(id, update.weights(), update.numExamples(), update.stepsTaken(), update.examplesProcessed(),
                update.trainLoss(), System.nanoTime() - begin, update.extras(), kept, update.partial(),
                new ClientUpdate.ClientMetrics(localLoss, sampleLoss, personal, globalHeld));
        return new ClientOutcome(full, Math.sqrt(norm), full.isFinite());
    }
}
