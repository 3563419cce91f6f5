package io.losslake.spark.jobs;

import io.losslake.federated.simulation.RoundMetrics;
import java.io.PrintWriter;
import java.util.List;

/** Prints one line per finished round with an ETA, and the summary table at the end. */
final class RoundProgress {
    private final PrintWriter out;
    private final int totalRounds;
    private final long start = System.nanoTime();

    RoundProgress(PrintWriter out, int totalRounds) {
        this.out = out;
        this.totalRounds = totalRounds;
    }

    void round(RoundMetrics m) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = elapsed / m.round() * (totalRounds - m.round());
        int width = Integer.toString(totalRounds).length();
        String failures = m.clients() == m.sampled() ? "" : String.format("  (%d of %d clients: %d dropped, %d straggling, %d rejected)",
                m.clients(), m.sampled(), m.dropped(), m.straggling(), m.rejected());
        String test = m.test() == null ? "test acc   -    test loss   -   " : String.format("test acc %.4f  test loss %.4f", m.testAccuracy(), m.testLoss());
        out.printf("round %" + width + "d/%d  %s  client loss %.4f  | %5.1f s (clients %5.1f s)  ETA %s%s%n",
                m.round(), totalRounds, test, m.meanClientTrainLoss(), m.wallSeconds(), m.clientComputeSeconds(), duration(eta), failures);
        out.flush();
    }

    void summary(String runId, List<RoundMetrics> history, double wallSeconds, String runsPath, String metricsPath) {
        out.println();
        out.printf("run %s SUCCEEDED in %s%n", runId, duration(wallSeconds));
        out.println("round  test_accuracy  test_loss  client_train_loss  seconds");
        for (RoundMetrics m : history) {
            out.printf("%5d  %13.4f  %9.4f  %17.4f  %7.1f%n",
                    m.round(), m.testAccuracy(), m.testLoss(), m.meanClientTrainLoss(), m.wallSeconds());
        }
        RoundMetrics best = history.stream().filter(m -> m.test() != null)
                .max((a, b) -> Double.compare(a.testAccuracy(), b.testAccuracy())).orElseThrow();
        RoundMetrics last = history.get(history.size() - 1);
        out.printf("final test accuracy %.4f (best %.4f in round %d), %.3g training FLOPs%n",
                last.testAccuracy(), best.testAccuracy(), best.round(), last.trainFlops());
        out.printf("tables: %s, %s%n", runsPath, metricsPath);
        out.flush();
    }

    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format("%.1f s", seconds);
        }
        long s = Math.round(seconds);
        return s < 3600 ? String.format("%d min %02d s", s / 60, s % 60) : String.format("%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
