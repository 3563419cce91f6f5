package io.losslake.federated.simulation;

import io.losslake.federated.LayerPolicy;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.barrier.BarrierWatch;
import java.util.Map;

/**
 * Everything that decides a federated run's numbers, validated before any engine starts.
 *
 * @param rounds            communication rounds
 * @param clientsPerRound   clients sampled per round (at most the clients with data)
 * @param local             local training
 * @param strategy          strategy name
 * @param strategyOptions   its options by flag name, as given
 * @param layers            which layers stay with the clients
 * @param dropout           probability that a sampled client drops out
 * @param straggle          probability that a sampled client straggles
 * @param dropStragglers    true: stragglers count as failures; false: their partial work is aggregated
 * @param decomposeEvery    record the loss decomposition every this many rounds (0: never)
 * @param decomposeSample   examples in the fixed global training sample the decomposition uses
 * @param holdout           share of each client's examples held out for personalised evaluation
 * @param evalEvery         evaluate the global model on the test split every this many rounds (and the last)
 * @param seed              the seed every random choice derives from
 * @param barriers          barriers measured during the run, and the auto-barrier layer policy
 * @param initSeed          the seed of the initial global weights (usually {@code seed}; runs that share it and differ in
 *                          {@code seed} start from one model and differ in sampling, fates and batch order)
 */
public record RunSettings(int rounds, int clientsPerRound, LocalTraining local, String strategy, Map<String, String> strategyOptions,
                          LayerPolicy layers, double dropout, double straggle, boolean dropStragglers, int decomposeEvery,
                          int decomposeSample, double holdout, int evalEvery, long seed, BarrierWatch barriers, long initSeed) implements java.io.Serializable {

    public RunSettings {
        if (rounds < 1) {
            throw new IllegalArgumentException("Invalid --rounds " + rounds + ": expected at least 1 round.");
        }
        if (clientsPerRound < 1) {
            throw new IllegalArgumentException("Invalid --clients-per-round " + clientsPerRound + ": expected at least 1 client.");
        }
        if (!(dropout >= 0 && dropout < 1) || !(straggle >= 0 && straggle < 1)) {
            throw new IllegalArgumentException("Invalid --dropout " + dropout + " or --straggle " + straggle + ": expected probabilities in [0, 1).");
        }
        if (decomposeEvery < 0 || decomposeSample < 1) {
            throw new IllegalArgumentException("Invalid --decompose-every " + decomposeEvery + " or --decompose-sample " + decomposeSample
                    + ": expected 0 or more rounds and at least 1 example.");
        }
        if (!(holdout >= 0 && holdout < 1)) {
            throw new IllegalArgumentException("Invalid --holdout " + holdout + ": expected a fraction in [0, 1).");
        }
        if (evalEvery < 1) {
            throw new IllegalArgumentException("Invalid --eval-every " + evalEvery + ": expected at least 1.");
        }
        strategyOptions = Map.copyOf(strategyOptions);
        barriers = barriers == null ? BarrierWatch.OFF : barriers;
        if (barriers.policy() && layers.isPersonalised()) {
            throw new IllegalArgumentException("Give either --personal-layers or --layer-policy auto-barrier, not both: the policy chooses the local layers.");
        }
    }

    /** Settings without barriers. */
    public RunSettings(int rounds, int clientsPerRound, LocalTraining local, String strategy, Map<String, String> strategyOptions, LayerPolicy layers,
                       double dropout, double straggle, boolean dropStragglers, int decomposeEvery, int decomposeSample, double holdout, int evalEvery,
                       long seed) {
        this(rounds, clientsPerRound, local, strategy, strategyOptions, layers, dropout, straggle, dropStragglers, decomposeEvery, decomposeSample,
                holdout, evalEvery, seed, BarrierWatch.OFF, seed);
    }

    /** These settings with {@code watch} for barriers. */
    public RunSettings withBarriers(BarrierWatch watch) {
        return new RunSettings(rounds, clientsPerRound, local, strategy, strategyOptions, layers, dropout, straggle, dropStragglers, decomposeEvery,
                decomposeSample, holdout, evalEvery, seed, watch, initSeed);
    }

    /** These settings with the initial weights drawn from {@code seedOfWeights}. */
    public RunSettings withInitSeed(long seedOfWeights) {
        return new RunSettings(rounds, clientsPerRound, local, strategy, strategyOptions, layers, dropout, straggle, dropStragglers, decomposeEvery,
                decomposeSample, holdout, evalEvery, seed, barriers, seedOfWeights);
    }

    /** Whether clients keep personal layers: named ones, or those the auto-barrier policy keeps local. */
    public boolean personalises() {
        return layers.isPersonalised() || barriers.policy();
    }

    /** Plain FedAvg-style settings: every client every round, no failures, no decomposition, no personal layers. */
    public static RunSettings plain(int rounds, int clientsPerRound, LocalTraining local, String strategy, Map<String, String> strategyOptions,
                                    long seed) {
        return new RunSettings(rounds, clientsPerRound, local, strategy, strategyOptions, LayerPolicy.SHARE_ALL, 0, 0, false, 0, 1, 0, 1, seed);
    }

    public boolean decomposes(int round) {
        return decomposeEvery > 0 && round % decomposeEvery == 0;
    }

    public boolean evaluates(int round) {
        return round % evalEvery == 0 || round == rounds;
    }
}
