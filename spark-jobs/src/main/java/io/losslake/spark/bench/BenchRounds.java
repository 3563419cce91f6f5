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
import io.losslake.spark.lake.Tables;
import org.apache.spark.sql.functions;
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

    @Option(names = "--pytorch", paramLabel = "PYTHON", description = {
        "A Python interpreter with torch: also times a whole FedAvg round (20 clients of Fashion-MNIST Dirichlet(0.5), MLP 256-128, batch 64,",
        "heavy-ball SGD lr 0.01 momentum 0.9, one local epoch, test evaluation) here and as the plain single-thread PyTorch loop."})
    String python;

    @Mixin
    SparkOptions sparkOptions;

    /** The FedAvg round of both, seconds per round over rounds 2..n. */
    record Versus(int clients, double oursSeconds, double pytorchSeconds) {
        double speedup() {
            return pytorchSeconds / oursSeconds;
        }
    }

    /** Set by {@link #measure} when --pytorch is given. */
    Versus versus;

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
            if (python != null) {
                versus = versusPyTorch(lake, out);
            }
        }
        return figures;
    }

    /** The same FedAvg rounds through losslake (this session's Spark) and through the plain PyTorch loop. */
    private Versus versusPyTorch(Lake lake, PrintWriter out) {
        String plan = "bench-dir0.5-c20";
        try {
            ClientDatasets.describe(lake, plan);
        } catch (UserInputException missing) {
            out.printf("preparing plan %s (20 clients, Dirichlet(0.5))...%n", plan);
            out.flush();
            PrepareRequest d = PrepareRequest.fashionMnist("dirichlet", 20, Map.of("alpha", "0.5"), plan);
            PrepareJob.run(lake, new PrepareRequest(d.format(), input, d.dataset(), null, null, null, null, d.testFraction(), null, null, null,
                    d.scheme(), 20, d.schemeParameters(), plan, 1), new PrintWriter(new StringWriter()));
        }
        int pyRounds = Math.max(3, rounds);
        FederateRequest d = FederateRequest.defaults(plan);
        FederateRequest request = new FederateRequest(plan, "mlp:256,128", pyRounds, null, null, 1, 0, 64, "momentum", 0.01, 0.9, d.engine(),
                d.trainer(), "fedavg", Map.of(), List.of(), null, 0, 0, false, 0, d.decomposeSample(), 1, null, d.commitEvery(), 7, null, d.barriers());
        FederateJob.Result ours = FederateJob.run(lake, request, new PrintWriter(new StringWriter()));
        List<RoundMetrics> counted = ours.rounds().subList(1, ours.rounds().size());
        double oursSeconds = counted.stream().mapToDouble(RoundMetrics::wallSeconds).average().orElseThrow();
        List<Integer> sizes = lake.read(Tables.PARTITION_STATS).where(functions.col("partition_id").equalTo(plan)
                .and(functions.col("row_kind").equalTo("client"))).orderBy("client_id").select("examples").collectAsList().stream()
                .map(r -> (int) r.getLong(0)).toList();
        List<Double> torch = PyTorchReference.rounds(python, "mlp:256,128", 64, sizes, pyRounds, 0.01, 0.9, input);
        double pytorchSeconds = torch.subList(1, torch.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        Versus v = new Versus(sizes.size(), oursSeconds, pytorchSeconds);
        out.printf("FedAvg round, %d clients Dirichlet(0.5), MLP 256-128, batch 64, 1 epoch, test evaluation: losslake %.3f s, plain PyTorch loop "
                + "(one thread, no OpenBLAS overrides) %.3f s: %.2fx; run %s%n", v.clients(), oursSeconds, pytorchSeconds, v.speedup(), ours.runId());
        out.flush();
        return v;
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
                d.engine(), d.trainer(), d.strategy(), Map.of(), List.of(), null, 0, 0, false, 0, d.decomposeSample(), 1, null, d.commitEvery(), 7, null, d.barriers());
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
