package io.losslake.federated.simulation;

import io.losslake.federated.Evaluation;
import io.losslake.federated.LossDecomposition;
import java.time.Instant;
import java.util.Arrays;

/**
 * One round's figures: one row of {@code round_metrics}.
 *
 * @param test                      the global model on the test split, or null when not evaluated this round
 * @param meanClientTrainLoss       example-weighted mean of the accepted clients' training losses; NaN when none reported one
 * @param clientLossPercentiles     p10, p50, p90 of the accepted clients' training losses
 * @param clients                   clients whose update was aggregated
 * @param sampled                   clients sampled
 * @param dropped                   sampled clients that dropped out
 * @param straggling                sampled clients that straggled
 * @param rejected                  updates refused for NaN or infinity
 * @param examplesTrained           examples fed through local training this round
 * @param trainFlops                training FLOPs of the run up to this round
 * @param wallSeconds               the round's wall time
 * @param clientComputeSeconds      summed time the clients spent, NaN when the engine does not report it
 * @param trainingSeconds           wall time of the executor's training
 * @param decomposition             FedLD's loss terms, or null when not recorded this round
 * @param meanPersonalAccuracy      mean accuracy of the clients' own models on their hold-out slices
 * @param meanGlobalHoldoutAccuracy mean accuracy of the round's global model on the same slices
 * @param uploadedFloats            values the clients sent back this round: the weights and the program's extras
 *                                  (SCAFFOLD's Delta c_i) of every client that returned an update, rejected ones included,
 *                                  and the synthetic sets that arrived ({@code syntheticFloats})
 * @param downloadedFloats          values the server sent this round: the global weights and the program's own tensors
 *                                  (SCAFFOLD's c) to every sampled client, dropped ones included
 * @param syntheticFloats           the part of {@code uploadedFloats} that was synthetic data: the pixels and labels of
 *                                  the synthetic sets clients sent with their first accepted update (0 without synthetic sets)
 */
public record RoundMetrics(String runId, int round, Evaluation test, double meanClientTrainLoss, double[] clientLossPercentiles,
                           int clients, int sampled, int dropped, int straggling, int rejected, long examplesTrained,
                           double trainFlops, double wallSeconds, double clientComputeSeconds, double trainingSeconds,
                           LossDecomposition decomposition, double meanPersonalAccuracy, double meanGlobalHoldoutAccuracy,
                           long uploadedFloats, long downloadedFloats, long syntheticFloats, Instant recordedAt) {

    public double testAccuracy() {
        return test == null ? Double.NaN : test.accuracy();
    }

    public double testLoss() {
        return test == null ? Double.NaN : test.loss();
    }

    /**
     * Every figure the run's configuration and seed decide, exactly (no timings, no run id): two
     * rounds with equal texts have bit-identical metrics.
     */
    public String numbers() {
        StringBuilder s = new StringBuilder("round ").append(round);
        if (test != null) {
            s.append(" test ").append(test.examples()).append(' ').append(test.loss()).append(' ').append(test.accuracy())
                    .append(' ').append(Arrays.toString(test.perClassCorrect())).append(' ').append(Arrays.toString(test.perClassTotal()));
        }
        s.append(" clientLoss ").append(meanClientTrainLoss).append(' ').append(Arrays.toString(clientLossPercentiles))
                .append(" clients ").append(clients).append('/').append(sampled).append(" dropped ").append(dropped)
                .append(" straggling ").append(straggling).append(" rejected ").append(rejected)
                .append(" examples ").append(examplesTrained).append(" flops ").append(trainFlops)
                .append(" floats ").append(uploadedFloats).append('/').append(downloadedFloats).append(" synthetic ").append(syntheticFloats);
        if (decomposition != null) {
            s.append(" decomposition ").append(decomposition.local()).append(' ').append(decomposition.shift()).append(' ')
                    .append(decomposition.aggregation()).append(' ').append(decomposition.global());
        }
        return s.append(" personal ").append(meanPersonalAccuracy).append(' ').append(meanGlobalHoldoutAccuracy).toString();
    }
}
