package io.losslake.spark.bench;

import static org.apache.spark.sql.functions.col;

import io.losslake.data.DenseClientData;
import io.losslake.federated.Minibatches;
import io.losslake.spark.cli.SparkOptions;
import io.losslake.spark.jobs.PrepareJob;
import io.losslake.spark.jobs.PrepareRequest;
import io.losslake.spark.runtime.LakeSession;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Tables;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake bench ...}: benchmark commands that print their figures (not timed tests). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures: data preparation, feeding clients, local training (against PyTorch), round overhead and scale, scaling-law fits, a GPU check; 'bench all' runs the performance targets.",
        subcommands = {BenchCommand.Prepare.class, BenchCommand.ClientBatches.class, BenchCommand.Fit.class, BenchCommand.Training.class,
            BenchRounds.class, BenchAll.class, BenchGpu.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "prepare", mixinStandardHelpOptions = true,
            description = "Runs 'losslake prepare' (Fashion-MNIST, Dirichlet label skew) for each client count; prints wall time, rows/s and peak memory.")
    static final class Prepare implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--clients", split = ",", defaultValue = "100,10000", description = "Client counts to prepare. Default: ${DEFAULT-VALUE}.")
        List<Integer> clients;

        @Option(names = "--alpha", defaultValue = "0.1", description = "Dirichlet concentration. Default: ${DEFAULT-VALUE}.")
        double alpha;

        @Option(names = "--input", defaultValue = "/usr/share/datasets/fashion-mnist", description = "IDX folder. Default: ${DEFAULT-VALUE}.")
        String input;

        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<String[]> table = new ArrayList<>();
            try (LakeSession session = sparkOptions.open("losslake bench prepare")) {
                Lake lake = sparkOptions.lake(session);
                // A first, unreported prepare pays the JVM's and Spark's one-off start-up costs (class
                // loading, code generation, Delta's first commit), which are not part of the throughput.
                long warm = System.nanoTime();
                PrepareJob.run(lake, fashionMnist("iid", 10, Map.of(), "bench-warm-up"), new PrintWriter(new StringWriter()));
                out.printf("warm-up prepare (cold JVM) took %.1f s%n", (System.nanoTime() - warm) / 1e9);
                for (int n : clients) {
                    // min-size 0: with 10,000 clients a Dirichlet(0.1) draw leaves some of them empty, which is the point
                    PrepareRequest request = fashionMnist("dirichlet", n, Map.of("alpha", Double.toString(alpha), "min-size", n > 1000 ? "0" : "10"),
                            "bench-dirichlet" + alpha + "-c" + n);
                    PeakMemory.reset();
                    long t0 = System.nanoTime();
                    PrepareJob.run(lake, request, new PrintWriter(new StringWriter()));
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long rows = lake.read(Tables.EXAMPLES).where(col("dataset").equalTo("fashion-mnist")).count();
                    table.add(new String[] {Integer.toString(n), String.format("%.1f", seconds), String.format("%,.0f", rows / seconds),
                        PeakMemory.mib(PeakMemory.heapPeak()), PeakMemory.mib(PeakMemory.rssPeak())});
                    out.printf("prepared %,d clients in %.1f s%n", n, seconds);
                    out.flush();
                }
            }
            out.println();
            out.printf("%-10s %10s %12s %14s %14s%n", "clients", "wall_s", "rows/s", "heap_peak", "rss_peak");
            for (String[] r : table) {
                out.printf("%-10s %10s %12s %14s %14s%n", (Object[]) r);
            }
            out.println("(rows = examples written, train + test; wall time includes the runs, partitions and partition_stats writes)");
            out.flush();
            return 0;
        }

        /** Fashion-MNIST from --input, dealt by {@code scheme}. */
        private PrepareRequest fashionMnist(String scheme, int n, Map<String, String> parameters, String plan) {
            PrepareRequest d = PrepareRequest.fashionMnist(scheme, n, parameters, plan);
            return new PrepareRequest(d.format(), input, "fashion-mnist", null, null, null, null, d.testFraction(), null, null, null, scheme, n,
                    parameters, plan, d.seed());
        }
    }

    @Command(name = "fit", mixinStandardHelpOptions = true,
            description = "Times the Chinchilla fit with the full 4,500-start grid and a bootstrap, on points drawn from Hoffmann et al.'s law.")
    static final class Fit implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--points", split = ",", defaultValue = "240,400", description = "Point counts to fit. Default: ${DEFAULT-VALUE}.")
        List<Integer> points;

        @Option(names = "--resamples", defaultValue = "1000", description = "Bootstrap resamples. Default: ${DEFAULT-VALUE}.")
        int resamples;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<io.losslake.scaling.bench.FitBenchmark.Figures> figures = new ArrayList<>();
            for (int n : points) {
                figures.add(io.losslake.scaling.bench.FitBenchmark.run(n, resamples, out));
            }
            out.println();
            out.printf("%-8s %-8s %-10s %-10s %-12s %-8s%n", "points", "starts", "fit_s", "resamples", "bootstrap_s", "threads");
            for (var f : figures) {
                out.printf("%-8d %-8d %-10.2f %-10d %-12.2f %-8d%n", f.points(), f.starts(), f.fitSeconds(), f.resamples(), f.bootstrapSeconds(), f.threads());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "training", mixinStandardHelpOptions = true,
            description = {"Local training throughput on one thread (samples/s): the MLP 784-256-128-10 and NIID-Bench's CNN at batch 32/64/256,",
                "DL4J and the fused path, and PyTorch on the same models with --pytorch."})
    static final class Training implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--models", split = ";", defaultValue = "mlp:256,128;cnn", description = "Models, ';'-separated. Default: ${DEFAULT-VALUE}.")
        List<String> models;

        @Option(names = "--batches", split = ",", defaultValue = "32,64,256", description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
        List<Integer> batches;

        @Option(names = "--trainers", split = ",", defaultValue = "dl4j,fused", description = "Trainers. Default: ${DEFAULT-VALUE}.")
        List<String> trainers;

        @Option(names = "--optimizer", defaultValue = "nesterov", description = "Optimiser (sgd, nesterov, momentum, adam). Default: ${DEFAULT-VALUE}.")
        String optimizer;

        @Option(names = "--seconds", defaultValue = "4", description = "Timed seconds per measurement (after a 1.5 s warm-up). Default: ${DEFAULT-VALUE}.")
        double seconds;

        @Option(names = "--pytorch", paramLabel = "PYTHON",
                description = {"A Python interpreter with torch (e.g. /usr/bin/python3 with Debian's python3-torch): also measures PyTorch on the same",
                    "models, one thread, Nesterov SGD, without OpenBLAS overrides (and with them too when this environment sets any)."})
        String python;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            TrainingFigures figures = measure(out);
            figures.print(out);
            return 0;
        }

        TrainingFigures measure(PrintWriter out) {
            List<io.losslake.federated.model.ModelSpec> specs = new ArrayList<>();
            for (String m : models) {
                try {
                    specs.add(io.losslake.federated.model.ModelSpec.parse(m, 784, 10));
                } catch (IllegalArgumentException e) {
                    throw new UserInputException(e.getMessage(), e);
                }
            }
            if (batches.stream().anyMatch(b -> b < 1) || !(seconds > 0)) {
                throw new UserInputException("Invalid --batches " + batches + " or --seconds " + seconds + ": expected positive numbers.");
            }
            TrainingFigures figures = new TrainingFigures();
            for (var model : specs) {
                for (int b : batches) {
                    for (String t : trainers) {
                        io.losslake.federated.model.OptimizerSpec opt = new io.losslake.federated.model.OptimizerSpec(optimizer, 0.01, 0.9);
                        if (t.equals("dl4j") && !opt.dl4jTrainable()) {
                            continue; // DL4J has no heavy-ball momentum
                        }
                        io.losslake.federated.LocalTraining training = new io.losslake.federated.LocalTraining(1, 0, b, opt, t);
                        String used = training.fusedFor(model) ? "fused" : "dl4j";
                        if (!used.equals(t)) {
                            continue; // no fused path for this model: the dl4j column says it
                        }
                        double rate = io.losslake.federated.TrainingBenchmark.samplesPerSecond(model, training, seconds);
                        figures.put(model.describe(), b, t, rate);
                        out.printf("%-14s batch %4d %-8s %,10.0f samples/s%n", model.describe(), b, t, rate);
                        out.flush();
                    }
                }
            }
            figures.oursBackend("fused path's products on " + io.losslake.federated.fused.FusedNetworks.blas());
            Map<String, String> overrides = PyTorchReference.overrides();
            figures.oursBackend("OpenBLAS overrides in this JVM's environment: " + (overrides.isEmpty() ? "none" : overrides));
            if (python != null) {
                PyTorchReference.measure(python, specs.stream().map(io.losslake.federated.model.ModelSpec::describe).toList(), batches, seconds,
                        figures, out);
                String library = io.losslake.federated.fused.FusedNetworks.blasLibrary();
                String core = library == null ? null : PyTorchReference.probe(python, library);
                if (core != null) {
                    String forced = overrides.get("OPENBLAS_CORETYPE");
                    figures.oursBackend(library + ": " + core + " as this CPU makes it choose without overrides"
                            + (forced == null ? "" : "; this JVM ran the " + forced + " kernels that OPENBLAS_CORETYPE forces"));
                }
            }
            return figures;
        }
    }

    /** Orders clients by size (serializable, for RDD.max). */
    private static final class BySize implements Comparator<DenseClientData>, java.io.Serializable {
        @Override
        public int compare(DenseClientData a, DenseClientData b) {
            return Integer.compare(a.size(), b.size());
        }
    }

    @Command(name = "client-batches", mixinStandardHelpOptions = true,
            description = "Loads a plan's clients from the lake as contiguous float buffers and cuts DL4J minibatches from them; prints examples/s.")
    static final class ClientBatches implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--plan", required = true, description = "A partition plan in the lake (see 'partitions list').")
        String plan;

        @Option(names = "--batch-size", defaultValue = "64", description = "Minibatch size. Default: ${DEFAULT-VALUE}.")
        int batchSize;

        @Option(names = "--epochs", defaultValue = "20", description = "Passes over the largest client when cutting batches. Default: ${DEFAULT-VALUE}.")
        int epochs;

        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() {
            if (batchSize < 1 || epochs < 1) {
                throw new UserInputException("Invalid --batch-size " + batchSize + " or --epochs " + epochs + ": expected positive numbers.");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (LakeSession session = sparkOptions.open("losslake bench client-batches")) {
                Lake lake = sparkOptions.lake(session);
                ClientDatasets.PlanInfo info = ClientDatasets.describe(lake, plan);
                int slices = session.spark().sparkContext().defaultParallelism() * 2;

                // 1. every client from the lake into contiguous buffers on the executors (join, cluster by
                //    client, assemble), as a federated job caches them; only sizes travel back. The first
                //    pass warms the JVM, Spark's code generation and the Delta log cache up.
                ClientDatasets.load(lake, info, slices).map(DenseClientData::size).reduce(Integer::sum);
                long t0 = System.nanoTime();
                JavaRDD<DenseClientData> clients = ClientDatasets.load(lake, info, slices).cache();
                List<Integer> sizes = clients.map(DenseClientData::size).collect();
                double loadSeconds = (System.nanoTime() - t0) / 1e9;
                long examples = sizes.stream().mapToLong(Integer::longValue).sum();
                out.printf("assembled %,d clients, %,d examples of plan %s from the lake in %.2f s: %,.0f examples/s%n",
                        sizes.size(), examples, plan, loadSeconds, examples / loadSeconds);

                // 2. the same rows through Spark's row objects, one boxed Float per value: the slow way
                DenseClientData largest = clients.max(new BySize());
                long t1 = System.nanoTime();
                List<Row> boxed = lake.read(Tables.PARTITIONS).where(col("partition_id").equalTo(plan)).select("example_id")
                        .join(lake.read(Tables.EXAMPLES).where(col("dataset").equalTo(info.dataset()).and(col("split").equalTo("train"))),
                                "example_id")
                        .select("features").collectAsList();
                long boxedValues = 0;
                for (Row r : boxed) {
                    List<Float> values = r.getList(0);
                    float[] x = new float[values.size()];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = values.get(i);
                    }
                    boxedValues += x.length;
                }
                double boxedSeconds = (System.nanoTime() - t1) / 1e9;
                out.printf("same examples as boxed Row values (collectAsList + getList): %.2f s: %,.0f examples/s (%,d values)%n",
                        boxedSeconds, boxed.size() / boxedSeconds, boxedValues);

                // 3. minibatches for the largest client, as LocalTrainer cuts them
                Minibatches batches = new Minibatches(largest, batchSize);
                int n = largest.size();
                int[] order = new int[n];
                for (int i = 0; i < n; i++) {
                    order[i] = (int) ((i * 2654435761L) % n); // a fixed scramble, like a shuffled epoch
                }
                long cut = 0;
                long checksum = 0;
                for (int warm = 0; warm < 2; warm++) {
                    DataSet ds = batches.cut(order, 0, Math.min(batches.batchSize(), n));
                    checksum += ds.numExamples();
                }
                long t2 = System.nanoTime();
                for (int e = 0; e < epochs; e++) {
                    for (int from = 0; from < n; from += batches.batchSize()) {
                        int size = Math.min(batches.batchSize(), n - from);
                        DataSet ds = batches.cut(order, from, size);
                        checksum += ds.numExamples();
                        cut += size;
                    }
                }
                double batchSeconds = (System.nanoTime() - t2) / 1e9;
                out.printf("DL4J minibatches of %d cut from client %d (%,d examples, %d features): %,.0f examples/s (%,d examples, checksum %d)%n",
                        batchSize, largest.clientId(), n, largest.featureSize(), cut / batchSeconds, cut, checksum);
                out.flush();

                // 4. would Arrow columnar buffers pay? bytes per example, building them, gathering batches
                ArrowCache.compare(out, JavaSparkContext.fromSparkContext(session.spark().sparkContext()), clients, sizes, largest, batchSize, epochs);
                out.flush();
            }
            return 0;
        }
    }
}
