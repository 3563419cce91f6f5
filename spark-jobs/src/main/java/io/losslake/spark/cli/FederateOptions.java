package io.losslake.spark.cli;

import io.losslake.federated.strategy.Strategies;
import io.losslake.spark.jobs.FederateRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of a federated run, shared by {@code federate} and {@code compare}; each strategy's
 * own options ({@code --mu}, {@code --server-lr}, ...) are added by {@link StrategyFlags} from the
 * strategies' descriptors. Defaults are {@link FederateRequest#defaults}'s.
 */
public final class FederateOptions {
    @Option(names = "--plan", description = "The partition plan (partition_id) to train on; see 'losslake partitions list'.")
    String plan;

    @Option(names = "--model", defaultValue = "mlp:200", description = "mlp:<w>[,<w>...], cnn (NIID-Bench's CNN) or cnn:<c1>,<c2>/<h1>,<h2>. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--rounds", defaultValue = "20", description = "Communication rounds. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--clients-per-round", description = "Clients sampled per round. Default: all (or --fraction).")
    Integer clientsPerRound;

    @Option(names = "--fraction", description = "Share of the clients sampled per round, rounded up (instead of --clients-per-round).")
    Double fraction;

    @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs per round. Default: ${DEFAULT-VALUE}.")
    int localEpochs;

    @Option(names = "--local-steps", defaultValue = "0", description = "Local optimiser steps per round instead of epochs (0: use epochs). Default: ${DEFAULT-VALUE}.")
    int localSteps;

    @Option(names = "--batch-size", defaultValue = "32", description = "Local minibatch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "nesterov", description = "sgd, nesterov, momentum (heavy-ball, as PyTorch's SGD; fused trainer) or adam. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.02", description = "Local learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum of nesterov and momentum. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--engine", defaultValue = FederateRequest.ENGINE, description = {
        "losslake (our rounds) or dl4j-spark: plain FedAvg through DL4J's own ParameterAveragingTrainingMaster, one worker per",
        "sampled client, for cross-checking FedAvg on IID data. Default: ${DEFAULT-VALUE}."})
    String engine;

    @Option(names = "--trainer", defaultValue = "fused", description = "fused (MLPs and the CNN on Java arrays and OpenBLAS, DL4J's layout and update rules) or dl4j. Default: ${DEFAULT-VALUE}.")
    String trainer;

    @Option(names = "--personal-layers", split = ",", paramLabel = "LAYERS",
            description = "Layer indices kept by each client (FedPer/LG-FedAvg-style), e.g. 6 for the CNN's output layer; see the layer list printed at start.")
    List<Integer> personalLayers = new ArrayList<>();

    @Option(names = "--holdout", description = "Share of each client's examples held out to evaluate the global and personalised models. Default: 0.2 with --personal-layers, else 0.")
    Double holdout;

    @Option(names = "--dropout", defaultValue = "0", description = "Probability that a sampled client drops out of a round (seeded). Default: ${DEFAULT-VALUE}.")
    double dropout;

    @Option(names = "--straggle", defaultValue = "0", description = "Probability that a sampled client straggles: does 10-100%% of its local work (seeded). Default: ${DEFAULT-VALUE}.")
    double straggle;

    @Option(names = "--drop-stragglers", defaultValue = "false", description = "Treat stragglers as failures instead of aggregating their partial work. Default: ${DEFAULT-VALUE}.")
    boolean dropStragglers;

    @Option(names = "--decompose-every", description = "Record FedLD's loss decomposition every this many rounds (0: never). Default: 1 (0 with --engine dl4j-spark).")
    Integer decomposeEvery;

    @Option(names = "--decompose-sample", defaultValue = "2000", description = "Size of the fixed sample of training data for L(w). Default: ${DEFAULT-VALUE}.")
    int decomposeSample;

    @Option(names = "--eval-every", defaultValue = "1", description = "Evaluate the global model on the test split every this many rounds. Default: ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--slices", description = "Spark partitions the clients are cached in. Default: one per client up to 256 clients, else 4 per core.")
    Integer slices;

    @Option(names = "--commit-every", paramLabel = "SECONDS", defaultValue = "10", description = {
        "Commit finished rounds' rows (round_metrics, client_metrics, checkpoints) to the lake together at most this often,",
        "and after the last round; 0: every round. A killed run resumes from its last committed round. Default: ${DEFAULT-VALUE}."})
    double commitEvery;

    @Option(names = "--init-seed", paramLabel = "N", description = {"Seed of the initial weights. Default: the run seed. Runs with one --init-seed",
        "and different seeds start from the same model and differ in sampling, fates and batch order (the classic linear-mode-connectivity pair)."})
    Long initSeed;

    @Option(names = "--barriers-every", defaultValue = "0", paramLabel = "K", description = {
        "Every K rounds, measure linear-mode-connectivity barriers (the whole model and each layer, into either model) between the new",
        "global model and --barrier-clients of the round's clients, and between those clients, into the barriers table; 0: never.",
        "Default: ${DEFAULT-VALUE}."})
    int barriersEvery;

    @Option(names = "--barrier-clients", defaultValue = "2", paramLabel = "N", description = "Clients compared per measured round (a seeded sample of the dispatched ones). Default: ${DEFAULT-VALUE}.")
    int barrierClients;

    @Option(names = "--barrier-alphas", defaultValue = "midpoint", paramLabel = "GRID", description = "Alphas of the round barriers: midpoint, default (0.1 .. 0.9), steps:K or a list. Default: ${DEFAULT-VALUE}.")
    String barrierAlphas;

    @Option(names = "--barrier-sample", defaultValue = "1000", paramLabel = "N", description = "Test examples (a seeded sample) the round barriers are measured on. Default: ${DEFAULT-VALUE}.")
    int barrierSample;

    @Option(names = "--layer-policy", defaultValue = "fixed", paramLabel = "POLICY", description = {
        "fixed: the layers of --personal-layers stay local (none by default); auto-barrier: after every round, a layer whose mean barrier",
        "between the round's client pairs exceeds --barrier-threshold stays local from the next round, and is averaged again below",
        "--barrier-release. Default: ${DEFAULT-VALUE}."})
    String layerPolicy;

    @Option(names = "--barrier-threshold", defaultValue = "0.1", paramLabel = "NATS", description = "auto-barrier: loss barrier above which a layer stays local. Default: ${DEFAULT-VALUE}.")
    double barrierThreshold;

    @Option(names = "--barrier-release", paramLabel = "NATS", description = "auto-barrier: loss barrier below which a local layer is averaged again. Default: half the threshold.")
    Double barrierRelease;

    @Option(names = "--synthetic", paramLabel = "RUN_ID", description = {
        "A distill run of this plan in the lake: each client uploads its synthetic set with its first accepted update, and after",
        "every round the server fine-tunes the aggregated model on the union of the sets it holds (any strategy)."})
    String synthetic;

    @Option(names = "--synthetic-method", paramLabel = "METHOD", description = "Which sets of that run: dm, ast or random (its random-real baseline). Default: the run's method.")
    String syntheticMethod;

    @Option(names = "--synthetic-epochs", defaultValue = "10", description = "Server fine-tuning epochs over the union per round. Default: ${DEFAULT-VALUE}.")
    int syntheticEpochs;

    @Option(names = "--synthetic-lr", defaultValue = "0.01", description = "Its SGD rate (momentum 0.9, weight decay 5e-4, as the DC papers train on synthetic sets). Default: ${DEFAULT-VALUE}.")
    double syntheticLr;

    @Option(names = "--synthetic-batch", defaultValue = "256", description = "Its minibatch size. Default: ${DEFAULT-VALUE}.")
    int syntheticBatch;

    @Option(names = "--no-synthetic-augment", negatable = false, description = "Fine-tune without DSA augmentation (on by default, as the DC papers train).")
    boolean noSyntheticAugment;

    /** The request these options describe, with the given strategy, its options and the seed. */
    FederateRequest toRequest(String strategy, java.util.Map<String, String> strategyOptions, long seed) {
        return new FederateRequest(plan, model, rounds, clientsPerRound, fraction, localEpochs, localSteps, batchSize, optimizer, learningRate,
                momentum, engine, trainer, strategy, strategyOptions, personalLayers, holdout, dropout, straggle, dropStragglers, decomposeEvery,
                decomposeSample, evalEvery, slices, commitEvery, seed, initSeed, new FederateRequest.BarrierOptions(barriersEvery, barrierClients, barrierAlphas,
                barrierSample, layerPolicy, barrierThreshold, barrierRelease),
                new FederateRequest.SyntheticOptions(synthetic, syntheticMethod, syntheticEpochs, syntheticLr, syntheticBatch, !noSyntheticAugment));
    }

    /** Adds every strategy's options as flags, and the strategies to the help footer. */
    public static final class StrategyFlags implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            ExtensionOptions.add(spec, Strategies.catalog(), "Strategies and their options (defaults):");
            return spec;
        }
    }
}
