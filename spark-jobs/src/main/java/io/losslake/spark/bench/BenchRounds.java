package io.losslake.spark.bench;

import io.losslake.federated.simulation.RoundMetrics;
import io.losslake.spark.cli.SparkOptions;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.jobs.FederateJob;
import io.losslake.spark.jobs.FederateRequest;
import io.losslake.spark.jobs.PrepareJob;
import io.losslake.spark.jobs.PrepareRequest;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.runtime.LakeSession;
import io.losslake.spark.runtime.UserInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code losslake bench rounds}: what a federated round costs beyond its clients' training, and
 * how that cost and the driver's memory grow with the number of simulated clients.
 *
 * <p>Two measurements, each a real {@code federate} run in this JVM over a plan in the lake
 * (prepared first when missing):
 * <ol>
 *   <li>efficiency: 100 sampled clients of the smallest plan doing real local work (an epoch each);
 *       the round's wall time against the ideal, the clients' summed compute time divided by the
 *       task slots;
 *   <li>scale: the same sampled work (100 clients, a fixed number of steps on equal batches) on
 *       plans of 100 to 100,000 clients, with the peak heap and resident set of the process.
 * </ol>
 * The first round of each run pays one-off costs (class loading, code generation, caching the
 * clients) and is not counted.
 */
@Command(name = "rounds", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Round overhead and scale: federated rounds with 100 sampled clients over plans of 100 to 100,000 clients;",
            "prints per-round wall, training-job and driver seconds, the efficiency against the clients' compute, and peak memory."})
final class BenchRounds implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--clients", split = ",", defaultValue = "100,1000,10000,100000",
            description = "Client counts of the plans (Fashion-MNIST; IID up to 60,000 clients, Dirichlet(1) with empty clients beyond). Default: ${DEFAULT-VALUE}.")
    List<Integer> clients;

    @Option(names = "--clients-per-round", defaultValue = "100", description = "Clients sampled per round. Default: ${DEFAULT-VALUE}.")
    int perRound;

    @Option(names = "--rounds", defaultValue = "5", description = "Rounds per run; the first is a warm-up and not counted. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--model", defaultValue = "mlp:200", description = "Model. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--batch-size", defaultValue = "32", description = "Efficiency run: local batch size (one local epoch per client). Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--scale-steps", defaultValue = "5", description = "Scale runs: local steps per client. Default: ${DEFAULT-VALUE}.")
    int scaleSteps;

    @Option(names = "--scale-batch", defaultValue = "6", description = "Scale runs: local batch size (every IID client of 10,000 holds 6 examples). Default: ${DEFAULT-VALUE}.")
    int scaleBatch;

    @Option(names = "--input", defaultValue = "/usr/share/datasets/fashion-mnist", description = "IDX folder. Default: ${DEFAULT-VALUE}.")
    String input;

    @Mixin
    SparkOptions sparkOptions;

    /** One run's per-round means over the counted rounds. */
    record Figures(String kind, int clients, String work, int countedRounds, double roundSeconds, double trainingSeconds,
                   double idealSeconds, double driverSeconds, long heapPeak, long rssPeak) {
        /** Round wall time over the ideal (summed client compute / task slots). */
        double roundEfficiency() {
            return roundSeconds / idealSeconds;
        }

        /** Training job wall time over the ideal. */
        double trainingEfficiency() {
            return trainingSeconds / idealSeconds;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Figures> figures = measure(out);
        print(out, figures);
        return 0;
    }

    List<Figures> measure(PrintWriter out) {
        if (clients.isEmpty() || clients.stream().anyMatch(n -> n < perRound)) {
            throw new UserInputException("Invalid --clients " + clients + ": expected client counts of at least --clients-per-round " + perRound + ".");
        }
        if (rounds < 2 || perRound < 1 || batchSize < 1 || scaleSteps < 1 || scaleBatch < 1) {
            throw new UserInputException("Invalid bench rounds settings: expected --rounds >= 2 and positive --clients-per-round, --batch-size, --scale-steps, --scale-batch.");
        }
        List<Figures> figures = new ArrayList<>();
        try (LakeSession session = sparkOptions.open("losslake bench rounds")) {
            Lake lake = sparkOptions.lake(session);
            int slots = session.spark().sparkContext().defaultParallelism();
            List<Integer> counts = clients.stream().sorted().distinct().toList();
            List<String> plans = new ArrayList<>();
            for (int n : counts) {
                plans.add(ensurePlan(lake, n, out));
            }
            String efficiencyWork = "1 epoch, batch " + batchSize;
            figures.add(run(out, lake, slots, "efficiency", counts.get(0), plans.get(0), efficiencyWork, 1, 0, batchSize));
            String scaleWork = scaleSteps + " steps x batch " + scaleBatch;
            for (int i = 0; i < counts.size(); i++) {
                figures.add(run(out, lake, slots, "scale", counts.get(i), plans.get(i), scaleWork, 1, scaleSteps, scaleBatch));
            }
        }
        return figures;
    }

    private String ensurePlan(Lake lake, int n, PrintWriter out) {
        boolean iid = n <= 60_000;
        String plan = iid ? "bench-iid-c" + n : "bench-dir1-c" + n;
        try {
            ClientDatasets.describe(lake, plan);
            return plan;
        } catch (UserInputException missing) {
            // prepared below
        }
        out.printf("preparing plan %s (%,d clients)...%n", plan, n);
        out.flush();
        PrepareRequest fmnist = PrepareRequest.fashionMnist(iid ? "iid" : "dirichlet", n, iid ? Map.of() : Map.of("alpha", "1", "min-size", "0"), plan);
        PrepareRequest request = new PrepareRequest(fmnist.format(), input, fmnist.dataset(), fmnist.classes(), null, null, null, fmnist.testFraction(),
                null, null, null, fmnist.scheme(), fmnist.clients(), fmnist.schemeParameters(), plan, fmnist.seed());
        PrepareJob.run(lake, request, new PrintWriter(new StringWriter()));
        return plan;
    }

    private Figures run(PrintWriter out, Lake lake, int slots, String kind, int n, String plan, String work, int epochs, int steps, int batch) {
        FederateRequest d = FederateRequest.defaults(plan);
        FederateRequest request = new FederateRequest(plan, model, rounds, perRound, null, epochs, steps, batch, d.optimizer(), d.lr(), d.momentum(),
                d.engine(), d.trainer(), d.strategy(), Map.of(), List.of(), null, 0, 0, false, 0, d.decomposeSample(), 1, null, d.commitEvery(), 7);
        PeakMemory.reset();
        FederateJob.Result outcome = FederateJob.run(lake, request, new PrintWriter(new StringWriter()));
        long heap = PeakMemory.heapPeak();
        long rss = PeakMemory.rssPeak();
        List<RoundMetrics> counted = outcome.rounds().subList(1, outcome.rounds().size());
        double wall = counted.stream().mapToDouble(RoundMetrics::wallSeconds).average().orElseThrow();
        double training = counted.stream().mapToDouble(RoundMetrics::trainingSeconds).average().orElseThrow();
        double compute = counted.stream().mapToDouble(RoundMetrics::clientComputeSeconds).average().orElseThrow();
        Figures f = new Figures(kind, n, work, counted.size(), wall, training, compute / slots, wall - training, heap, rss);
        out.printf("%s, %,d clients (%s): round %.3f s, training job %.3f s, ideal %.3f s, driver %.3f s; run %s%n",
                kind, n, work, wall, training, f.idealSeconds(), f.driverSeconds(), outcome.runId());
        out.flush();
        return f;
    }

    static void print(PrintWriter out, List<Figures> figures) {
        out.println();
        out.printf("%-10s %8s %-20s %9s %9s %9s %9s %10s %10s %11s %11s%n", "run", "clients", "work per client", "round_s", "train_s",
                "ideal_s", "driver_s", "round/ideal", "train/ideal", "heap_peak", "rss_peak");
        for (Figures f : figures) {
            out.printf("%-10s %,8d %-20s %9.3f %9.3f %9.3f %9.3f %10.3f %10.3f %11s %11s%n", f.kind(), f.clients(), f.work(), f.roundSeconds(),
                    f.trainingSeconds(), f.idealSeconds(), f.driverSeconds(), f.roundEfficiency(), f.trainingEfficiency(),
                    PeakMemory.mib(f.heapPeak()), PeakMemory.mib(f.rssPeak()));
        }
        out.println("(means over rounds 2..n; ideal = summed client compute / task slots; driver = round - training job: sampling, broadcast,");
        out.println(" aggregation, test evaluation; Delta writes run in the background and overlap the next round)");
        out.flush();
    }
}
