package io.losslake.spark.federated;

import io.losslake.federated.LayerPolicy;
import io.losslake.federated.LocalTraining;
import java.util.Map;

/**
 * Everything that decides a federated run's numbers, validated before Spark starts.
 *
 * @param rounds            communication rounds
 * @param clientsPerRound   clients sampled per round (at most the clients with data)
 * @param local             local training
 * @param strategy          strategy name
 * @param strategyOptions   its options by flag name
 * @param layers            which layers stay with the clients
 * @param dropout           probability that a sampled client drops out
 * @param straggle          probability that a sampled client straggles
 * @param dropStragglers    true: stragglers count as failures; false: their partial work is aggregated
 * @param decomposeEvery    record the loss decomposition every this many rounds (0: never)
 * @param decomposeSample   examples in the fixed global training sample the decomposition uses
 * @param holdout           share of each client's examples held out for personalised evaluation
 * @param evalEvery         evaluate the global model on the test split every this many rounds (and the last)
 * @param seed              the seed every random choice derives from
 * @param engine            {@code losslake} (our rounds) or {@code dl4j-spark} (DL4J's ParameterAveragingTrainingMaster,
 *                          a FedAvg cross-check)
 */
public record RunSettings(int rounds, int clientsPerRound, LocalTraining local, String strategy, Map<String, String> strategyOptions,
                          LayerPolicy layers, double dropout, double straggle, boolean dropStragglers, int decomposeEvery,
                          int decomposeSample, double holdout, int evalEvery, long seed, String engine) implements java.io.Serializable {
    public static final String ENGINE = "losslake";
    public static final String DL4J_SPARK = "dl4j-spark";

    /** Settings for losslake's own engine. */
    public RunSettings(int rounds, int clientsPerRound, LocalTraining local, String strategy, Map<String, String> strategyOptions,
                       LayerPolicy layers, double dropout, double straggle, boolean dropStragglers, int decomposeEvery,
                       int decomposeSample, double holdout, int evalEvery, long seed) {
        this(rounds, clientsPerRound, local, strategy, strategyOptions, layers, dropout, straggle, dropStragglers, decomposeEvery,
                decomposeSample, holdout, evalEvery, seed, ENGINE);
    }

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
        if (DL4J_SPARK.equals(engine)) {
            String unsupported = !"fedavg".equals(strategy) ? "--strategy " + strategy
                    : dropout > 0 || straggle > 0 ? "--dropout/--straggle"
                    : layers.isPersonalised() ? "--personal-layers"
                    : decomposeEvery > 0 ? "--decompose-every " + decomposeEvery
                    : holdout > 0 ? "--holdout " + holdout
                    : local.steps() > 0 ? "--local-steps " + local.steps()
                    : !local.optimizer().dl4jTrainable() ? "--optimizer " + local.optimizer().name()
                    : null;
            if (unsupported != null) {
                throw new IllegalArgumentException("--engine dl4j-spark runs plain FedAvg through DL4J's parameter averaging (local epochs, "
                        + "every sampled client reporting, DL4J optimisers, no loss decomposition): it cannot take " + unsupported + ".");
            }
        } else if (!ENGINE.equals(engine)) {
            throw new IllegalArgumentException("Invalid --engine '" + engine + "': expected losslake or dl4j-spark.");
        }
    }

    public boolean decomposes(int round) {
        return decomposeEvery > 0 && round % decomposeEvery == 0;
    }

    public boolean evaluates(int round) {
        return round % evalEvery == 0 || round == rounds;
    }
}
