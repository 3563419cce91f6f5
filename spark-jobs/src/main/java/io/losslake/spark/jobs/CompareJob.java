package io.losslake.spark.jobs;

import io.losslake.spark.lake.Lake;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one federated setting under several strategies and seeds in one Spark session (each run
 * lands in the lake under its own run id) and prints each strategy's mean and standard deviation
 * over seeds of its best and final test accuracy (and, when clients hold out data, of the last round's
 * personalised and global accuracy on the held-out slices, and with the loss decomposition the
 * mean of its shift and aggregation terms).
 */
public final class CompareJob {
    private CompareJob() {
    }

    /** One strategy's runs, summarised. */
    public record Row(String strategy, List<FederateJob.Result> runs) {
        public double[] best() {
            return runs.stream().mapToDouble(FederateJob.Result::bestAccuracy).toArray();
        }

        public double[] last() {
            return runs.stream().mapToDouble(FederateJob.Result::finalAccuracy).toArray();
        }

        /** Each run's last-round mean accuracy of the clients' own models on their held-out slices (NaN without hold-out). */
        public double[] personal() {
            return runs.stream().mapToDouble(r -> r.rounds().isEmpty() ? Double.NaN : r.rounds().get(r.rounds().size() - 1).meanPersonalAccuracy())
                    .toArray();
        }

        /**
         * Each run's mean over its decomposition rounds of one term of FedLD's loss decomposition
         * ({@code shift}: the clients' models' loss on the global data less on their own;
         * {@code aggregation}: the averaged model's loss less the clients' mean); NaN without one.
         */
        public double[] decomposition(boolean shift) {
            return runs.stream().mapToDouble(r -> r.rounds().stream().filter(m -> m.decomposition() != null)
                    .mapToDouble(m -> shift ? m.decomposition().shift() : m.decomposition().aggregation()).average().orElse(Double.NaN)).toArray();
        }

        /** The same for the global model on those slices. */
        public double[] globalHoldout() {
            return runs.stream().mapToDouble(r -> r.rounds().isEmpty() ? Double.NaN : r.rounds().get(r.rounds().size() - 1).meanGlobalHoldoutAccuracy())
                    .toArray();
        }
    }

    /** Checks a request before Spark starts; one sentence on the first bad option. */
    public static void check(CompareRequest request) {
        UserErrors.check(request::check);
    }

    public static List<Row> run(Lake lake, CompareRequest request, PrintWriter out) {
        check(request);
        List<Row> rows = new ArrayList<>();
        for (String strategy : request.strategies()) {
            List<FederateJob.Result> runs = new ArrayList<>();
            for (long seed : request.seeds()) {
                out.printf("%n== %s, seed %d ==%n", strategy, seed);
                out.flush();
                runs.add(FederateJob.run(lake, request.run(strategy, seed), out));
            }
            rows.add(new Row(strategy, runs));
        }
        out.println();
        // with hold-out slices (personal layers, --holdout): the clients' own models and the global one on them, last round
        boolean held = rows.stream().anyMatch(r -> java.util.Arrays.stream(r.personal()).anyMatch(Double::isFinite));
        out.printf("%-14s %5s %22s %22s" + (held ? " %22s %22s" : "%s%s") + "  %s%n", "strategy", "seeds", "best acc (mean ± sd)", "final acc (mean ± sd)",
                held ? "personal acc (held-out)" : "", held ? "global acc (held-out)" : "", "run ids");
        for (Row row : rows) {
            out.printf("%-14s %5s %22s %22s" + (held ? " %22s %22s" : "%s%s") + "  %s%n", row.strategy(), row.runs().size(), meanSd(row.best()),
                    meanSd(row.last()), held ? meanSd(row.personal()) : "", held ? meanSd(row.globalHoldout()) : "",
                    String.join(" ", row.runs().stream().map(FederateJob.Result::runId).toList()));
        }
        // with the loss decomposition (--decompose-every): its two heterogeneity terms, averaged over the decomposition rounds
        if (rows.stream().anyMatch(r -> java.util.Arrays.stream(r.decomposition(true)).anyMatch(Double::isFinite))) {
            out.printf("%n%-14s %5s %26s %26s%n", "strategy", "seeds", "shift loss (mean ± sd)", "aggregation loss (mean ± sd)");
            for (Row row : rows) {
                out.printf("%-14s %5s %26s %26s%n", row.strategy(), row.runs().size(), meanSd(row.decomposition(true)), meanSd(row.decomposition(false)));
            }
            out.println("(each run's mean over its decomposition rounds, nats: shift = sum_i p_i [L(w_i) - L_i(w_i)],"
                    + " aggregation = L(w_bar) - sum_i p_i L(w_i))");
        }
        out.flush();
        return rows;
    }

    private static String meanSd(double[] values) {
        double mean = java.util.Arrays.stream(values).average().orElse(Double.NaN);
        double var = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, values.length - 1);
        return String.format("%.4f ± %.4f", mean, Math.sqrt(var));
    }
}
