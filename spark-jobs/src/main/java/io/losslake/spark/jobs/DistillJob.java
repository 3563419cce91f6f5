package io.losslake.spark.jobs;

import io.losslake.data.ClientData;
import io.losslake.data.DenseClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.Evaluation;
import io.losslake.federated.Streams;
import io.losslake.federated.distill.Distiller;
import io.losslake.federated.distill.ImageGrid;
import io.losslake.federated.distill.PixelScale;
import io.losslake.federated.distill.RandomReal;
import io.losslake.federated.distill.SyntheticSet;
import io.losslake.federated.distill.SyntheticTraining;
import io.losslake.federated.fused.FusedNetworks;
import io.losslake.federated.model.ModelSpec;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.lake.Json;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Rows;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.runtime.Version;
import java.io.PrintWriter;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Condenses every client of a plan into a synthetic set, one Spark task per client, writes the sets
 * to {@code synthetic_examples}, draws their image grids, and evaluates the one-shot server's use of
 * them (FedDM/DOSFL-style: a network trained from scratch on the union of the clients' sets, several
 * initialisations, one Spark task each) against random real examples of the same per-class budget,
 * into {@code distill_evals}. A plan of one client is centralised distillation.
 */
public final class DistillJob {
    private DistillJob() {
    }

    /** One client's sets and what it took. */
    public record ClientResult(int clientId, int examples, SyntheticSet distilled, SyntheticSet baseline, double seconds, double[] moments,
                               List<Integer> scarce) implements java.io.Serializable {
    }

    /**
     * One evaluation network's figures.
     *
     * @param transmittedFloats what the clients upload to send its training set: examples x (features + 1 label)
     */
    public record Evaluated(String method, int seed, int trainExamples, long transmittedFloats, Evaluation evaluation) implements java.io.Serializable {
    }

    public record Result(String runId, List<ClientResult> clients, List<Evaluated> evaluations, double distillSeconds) {
        /** Mean and population standard deviation of the test accuracy of {@code method}'s networks; NaNs when none. */
        public double[] accuracy(String method) {
            double[] a = evaluations.stream().filter(e -> e.method().equals(method)).mapToDouble(e -> e.evaluation().accuracy()).toArray();
            if (a.length == 0) {
                return new double[] {Double.NaN, Double.NaN};
            }
            double mean = Arrays.stream(a).average().orElse(Double.NaN);
            double var = Arrays.stream(a).map(v -> (v - mean) * (v - mean)).sum() / a.length;
            return new double[] {mean, Math.sqrt(var)};
        }
    }

    /** Checks a request before Spark starts; one sentence on the first bad option. */
    public static void check(DistillRequest request) {
        UserErrors.check(request::check);
    }

    public static Result run(Lake lake, DistillRequest request, PrintWriter out) {
        return execute(lake, request, null, out);
    }

    /**
     * Finishes the killed distill run {@code runId} with its stored request: its clients condensed again (seeded, so the
     * same images) and evaluated, and each of its tables written unless the killed invocation had written it.
     */
    public static Result resume(Lake lake, String runId, PrintWriter out) {
        Row row = new RunLog(lake).unfinished(runId, "distill");
        return execute(lake, DistillRequest.fromConfig(Json.map(row.getAs("config_json"))), runId, out);
    }

    private static Result execute(Lake lake, DistillRequest request, String resumed, PrintWriter out) {
        Instant startedAt = Instant.now();
        check(request);
        ClientDatasets.PlanInfo info = ClientDatasets.describe(lake, request.plan());
        int features = Arrays.stream(info.shape()).reduce(1, (a, b) -> a * b);
        ModelSpec evalSpec = evalSpec(request, features, info.numClasses());
        UserErrors.check(() -> {
            int side = (int) Math.round(Math.sqrt(features));
            if (side * side != features) {
                throw new IllegalArgumentException("distill condenses square single-channel images, but dataset " + info.dataset() + " has "
                        + features + " features per example.");
            }
            if (request.methodName().equals("dm") && side < 16) {
                throw new IllegalArgumentException("distill --method dm needs images of at least 16x16 pixels (its embedding network's two "
                        + "5x5 convolutions); dataset " + info.dataset() + " has " + side + "x" + side + ".");
            }
        });
        if (request.plots() != null) {
            try {
                java.nio.file.Files.createDirectories(request.plots());
            } catch (java.io.IOException | RuntimeException e) {
                throw new UserInputException("Invalid --plots " + request.plots() + ": the folder for the image grids cannot be created ("
                        + e.getMessage() + ").", e);
            }
        }
        String runId = resumed != null ? resumed : RunLog.newRunId(startedAt);
        RunLog.Start start = new RunLog.Start(runId, "distill", request.seed(), info.dataset() + " / " + request.plan(), Json.of(request.toConfig()),
                startedAt);
        return new RunLog(lake).record(start, resumed != null, Version.current(), () -> distill(lake, request, info, evalSpec, runId, resumed != null, out),
                done -> RunLog.Ending.succeeded(figures(done)));
    }

    private static ModelSpec evalSpec(DistillRequest request, int features, int classes) {
        if (request.evalSeeds() == 0) {
            return null;
        }
        ModelSpec spec;
        try {
            spec = ModelSpec.parse(request.evalModel(), features, classes);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage().replace("--model", "--eval-model"), e);
        }
        if (!FusedNetworks.supports(spec)) {
            throw new UserInputException("Invalid --eval-model '" + request.evalModel() + "': the evaluation trains an mlp:... or cnn... network.");
        }
        return spec;
    }

    private static Result distill(Lake lake, DistillRequest request, ClientDatasets.PlanInfo info, ModelSpec evalSpec, String runId, boolean resumed,
                                  PrintWriter out) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
        int parallelism = jsc.defaultParallelism();
        int slices = info.numClients() <= 256 ? info.numClients() : 4 * parallelism;
        Distiller distiller = request.distiller();
        Distiller baseline = request.baseline() && !distiller.method().equals("random") && request.evalSeeds() > 0 ? new RandomReal(request.ipc()) : null;
        long seed = request.seed();
        int ipc = request.ipc();
        out.printf("losslake distill: run %s, plan %s (%d clients), %s, %d per class%s%n", runId, request.plan(), info.numClients(),
                describe(request), request.ipc(), baseline == null ? "" : ", with the random-real baseline");
        out.flush();
        long begin = System.nanoTime();
        jsc.setJobDescription("losslake distill: " + distiller.method() + " of plan " + request.plan() + ", one task per client");
        JavaFutureAction<List<ClientResult>> future = ClientDatasets.load(lake, info, slices)
                .filter(c -> c.size() > 0)
                .map(c -> condense(c, distiller, baseline, ipc, seed))
                .collectAsync();
        List<ClientResult> clients = new ArrayList<>(await(future, jsc, info.numClients(), begin, out));
        clients.sort(Comparator.comparingInt(ClientResult::clientId));
        double distillSeconds = (System.nanoTime() - begin) / 1e9;
        if (clients.isEmpty()) {
            throw new UserInputException("Plan " + request.plan() + " has no client holding examples; there is nothing to distill.");
        }
        for (ClientResult c : clients) {
            if (!c.scarce().isEmpty()) {
                out.printf("note: client %d has fewer than %d examples of class(es) %s: each such class keeps as many synthetic examples as it has "
                        + "real ones, a class it lacks gets none%n", c.clientId(), request.ipc(), c.scarce());
            }
        }
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        for (ClientResult c : clients) {
            rows.addAll(exampleRows(runId, request.plan(), c.distilled(), distiller.method(), now));
            if (c.baseline() != null) {
                rows.addAll(exampleRows(runId, request.plan(), c.baseline(), "random", now));
            }
        }
        appendOnce(lake, Tables.SYNTHETIC_EXAMPLES, Tables.SYNTHETIC_EXAMPLES_SCHEMA, rows, runId, resumed, out);
        out.printf("%d clients condensed in %s (%.2f s per client per task); %d examples written to %s%n", clients.size(),
                RoundProgress.duration(distillSeconds), clients.stream().mapToDouble(ClientResult::seconds).average().orElse(0), rows.size(),
                lake.path(Tables.SYNTHETIC_EXAMPLES));
        if (request.plots() != null) {
            int drawn = 0;
            for (ClientResult c : clients) {
                if (drawn++ == DistillRequest.GRIDS) {
                    out.printf("(image grids drawn for the first %d clients only)%n", DistillRequest.GRIDS);
                    break;
                }
                ImageGrid.write(c.distilled(), request.plots().resolve(runId + "-client-" + c.clientId() + "-" + distiller.method() + ".png"));
            }
            out.printf("image grids (a row per class): %s%n", request.plots().toAbsolutePath().resolve(runId + "-client-*.png"));
        }
        out.flush();
        List<Evaluated> evaluations = List.of();
        if (evalSpec != null) {
            evaluations = evaluate(lake, jsc, request, info, evalSpec, clients, distiller.method(), baseline != null, runId, resumed, out);
        }
        Result result = new Result(runId, clients, evaluations, distillSeconds);
        if (!evaluations.isEmpty()) {
            print(out, request, result, distiller.method(), baseline != null);
        }
        return result;
    }

    /** Runs on an executor: the client's set (and the baseline's), timed. */
    private static ClientResult condense(DenseClientData client, Distiller distiller, Distiller baseline, int ipc, long seed) {
        long t0 = System.nanoTime();
        long[] last = {t0};
        int id = client.clientId();
        SyntheticSet set = distiller.distill(client, Seeds.derive(seed, Streams.DISTILL, id), (done, total, loss) -> {
            long now = System.nanoTime();
            if (now - last[0] > 15_000_000_000L && done < total) {
                double elapsed = (now - t0) / 1e9;
                System.err.printf("  client %d: iteration %d of %d, loss %.4g, %s, about %s left%n", id, done, total, loss,
                        RoundProgress.duration(elapsed), RoundProgress.duration(elapsed / done * (total - done)));
                last[0] = now;
            }
        });
        // the baseline draws with the method's own seed: with --init real, its images are the very ones the method started from
        SyntheticSet base = baseline == null ? null : baseline.distill(client, Seeds.derive(seed, Streams.DISTILL, id), Distiller.Progress.NONE);
        double seconds = (System.nanoTime() - t0) / 1e9;
        PixelScale scale = PixelScale.of(client);
        long count = (long) client.size() * client.featureSize();
        // moments for the whole plan's pixel scale: count, sum, sum of squares
        double sum = scale.mean() * count;
        double sumSq = (scale.std() * scale.std() + scale.mean() * scale.mean()) * count;
        List<Integer> scarce = new ArrayList<>();
        for (int c = 0; c < client.numClasses(); c++) {
            int n = 0;
            for (int label : client.labels()) {
                n += label == c ? 1 : 0;
            }
            if (n > 0 && n < ipc) {
                scarce.add(c);
            }
        }
        return new ClientResult(id, client.size(), set, base, seconds, new double[] {count, sum, sumSq}, scarce);
    }

    /** Waits for the clients, printing how many are done with an ETA every 10 s. */
    private static <T> List<T> await(JavaFutureAction<List<T>> future, JavaSparkContext jsc, int clients, long begin, PrintWriter out) {
        long lastPrint = begin;
        int lastDone = -1;
        while (true) {
            try {
                return future.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                int done = completedTasks(jsc, future);
                if (now - lastPrint > 10_000_000_000L && done != lastDone) {
                    double elapsed = (now - begin) / 1e9;
                    out.printf("  %d of %d clients condensed, %s%s%n", done, clients, RoundProgress.duration(elapsed),
                            done == 0 ? "" : ", about " + RoundProgress.duration(elapsed / done * (clients - done)) + " left");
                    out.flush();
                    lastPrint = now;
                    lastDone = done;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.cancel(true);
                throw new IllegalStateException("interrupted while distilling", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(cause);
            }
        }
    }

    /** Finished tasks of the action's result stage (the last stage of its job: earlier ones are the data's shuffle). */
    private static int completedTasks(JavaSparkContext jsc, JavaFutureAction<?> future) {
        int done = 0;
        for (int job : future.jobIds()) {
            var info = jsc.statusTracker().getJobInfo(job);
            if (info == null || info.stageIds().length == 0) {
                continue;
            }
            int last = java.util.Arrays.stream(info.stageIds()).max().getAsInt();
            var s = jsc.statusTracker().getStageInfo(last);
            if (s != null) {
                done += s.numCompletedTasks();
            }
        }
        return done;
    }

    private static List<Evaluated> evaluate(Lake lake, JavaSparkContext jsc, DistillRequest request, ClientDatasets.PlanInfo info, ModelSpec spec,
                                            List<ClientResult> clients, String method, boolean withBaseline, String runId, boolean resumed, PrintWriter out) {
        double count = 0;
        double sum = 0;
        double sumSq = 0;
        for (ClientResult c : clients) {
            count += c.moments()[0];
            sum += c.moments()[1];
            sumSq += c.moments()[2];
        }
        double mean = sum / count;
        double var = Math.max(0, sumSq / count - mean * mean);
        PixelScale scale = new PixelScale(mean, var > 0 ? Math.sqrt(var) : 1);
        Map<String, SyntheticSet> sets = new LinkedHashMap<>();
        sets.put(method, SyntheticSet.union(-1, clients.stream().map(ClientResult::distilled).toList()));
        if (withBaseline) {
            sets.put("random", SyntheticSet.union(-1, clients.stream().map(ClientResult::baseline).toList()));
        }
        DenseClientData test = ClientDatasets.loadSplit(lake, info.dataset(), "test", info.shape(), info.numClasses(), 0, 0);
        if (test.size() == 0) {
            throw new UserInputException("Dataset " + info.dataset() + " has no test split to evaluate the synthetic sets on; use --eval-seeds 0.");
        }
        Broadcast<DenseClientData> testSet = jsc.broadcast(test);
        Broadcast<Map<String, SyntheticSet>> shared = jsc.broadcast(sets);
        List<String> work = new ArrayList<>();
        for (int s = 0; s < request.evalSeeds(); s++) {
            for (String m : sets.keySet()) {
                work.add(m + ":" + s);
            }
        }
        double[] rates = clients.stream().mapToDouble(c -> c.distilled().learningRate()).filter(Double::isFinite).toArray();
        double learned = rates.length == 0 ? Double.NaN : java.util.Arrays.stream(rates).average().orElseThrow();
        SyntheticTraining training = request.training();
        SyntheticTraining methodTraining = Double.isFinite(learned) ? request.training(learned) : training;
        if (Double.isFinite(learned)) {
            out.printf("the %s set is trained at the rate its students ended with, %.4g (mean over clients); the baseline at %.4g%n", method,
                    learned, training.learningRate());
        }
        long evalSeed = Seeds.derive(request.seed(), Streams.DISTILL_EVAL);
        out.printf("evaluating: %d networks %s trained %d epochs on each set (%s), %d Spark tasks%n", request.evalSeeds(), spec.describe(),
                request.evalEpochs(), String.join(", ", sets.keySet()), work.size());
        out.flush();
        long begin = System.nanoTime();
        jsc.setJobDescription("losslake distill: evaluation networks trained on the synthetic sets");
        JavaFutureAction<List<Evaluated>> future = jsc.parallelize(work, work.size()).map(w -> {
            String m = w.substring(0, w.indexOf(':'));
            int s = Integer.parseInt(w.substring(w.indexOf(':') + 1));
            SyntheticSet set = shared.value().get(m);
            SyntheticTraining t = m.equals("random") ? training : methodTraining;
            Evaluation e = t.trainAndTest(spec, set.asData(), testSet.value(), scale, Seeds.derive(evalSeed, s));
            return new Evaluated(m, s, set.size(), (long) set.size() * (set.side() * set.side() + 1), e);
        }).collectAsync();
        List<Evaluated> evaluations = new ArrayList<>(await(future, jsc, work.size(), begin, out));
        testSet.destroy();
        shared.destroy();
        evaluations.sort(Comparator.comparing(Evaluated::method).thenComparingInt(Evaluated::seed));
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        for (Evaluated e : evaluations) {
            rows.add(RowFactory.create(runId, request.plan(), e.method(), clients.size(), e.trainExamples(),
                    e.transmittedFloats(), spec.describe(), e.seed(),
                    request.evalEpochs(), Rows.nullable(e.evaluation().accuracy()), Rows.nullable(e.evaluation().loss()), now));
        }
        appendOnce(lake, Tables.DISTILL_EVALS, Tables.DISTILL_EVALS_SCHEMA, rows, runId, resumed, out);
        out.printf("%d evaluations in %s written to %s%n", rows.size(), RoundProgress.duration((System.nanoTime() - begin) / 1e9),
                lake.path(Tables.DISTILL_EVALS));
        return evaluations;
    }

    /** Appends a run's rows to {@code table}, unless it is a resumed run whose killed invocation wrote them. */
    private static void appendOnce(Lake lake, String table, org.apache.spark.sql.types.StructType schema, List<Row> rows, String runId, boolean resumed,
                                   PrintWriter out) {
        if (resumed && new RunLog(lake).wrote(table, runId)) {
            out.printf("(the killed invocation of run %s had written its %s; not written again)%n", runId, table);
        } else {
            lake.append(table, schema, rows);
        }
    }

    private static List<Row> exampleRows(String runId, String plan, SyntheticSet set, String method, Timestamp now) {
        List<Row> rows = new ArrayList<>();
        int pixels = set.side() * set.side();
        int[] position = new int[set.numClasses()];
        for (int i = 0; i < set.size(); i++) {
            int label = set.labels()[i];
            Float[] f = new Float[pixels];
            for (int k = 0; k < pixels; k++) {
                f[k] = set.features()[i * pixels + k];
            }
            rows.add(RowFactory.create(runId, plan, set.clientId(), method, label, position[label]++, f, now));
        }
        return rows;
    }

    private static String describe(DistillRequest r) {
        if (r.methodName().equals("random")) {
            return "random real examples";
        }
        if (r.methodName().equals("ast")) {
            var a = r.astSettings();
            return String.format("trajectory matching with AST's additions (%d iterations, student mlp:%s, %d experts of %d epochs, start < %d, "
                    + "M %d, N %d, image lr %s, rate lr %s, inner momentum %s, perturb %s, %s, init %s, %s)", a.iterations(),
                    String.join(",", java.util.Arrays.stream(a.hidden()).mapToObj(Integer::toString).toList()), a.experts(), a.trajectoryEpochs(),
                    a.maxStartEpoch(), a.expertEpochs(), a.syntheticSteps(), a.imageLr(), a.rateLr(), a.innerMomentum(), a.perturb(),
                    a.smooth() ? "smooth experts" : "plain experts", a.init(), a.augment() ? "DSA" : "no augmentation");
        }
        return String.format("distribution matching (%d iterations, real batch %d, image lr %s, momentum %s, init %s, embedding cnn:%s, %s)",
                r.iterations(), r.realBatch(), r.dmSettings().imageLr(), r.momentum(), r.init(), r.embedChannels(), r.augment() ? "DSA" : "no augmentation");
    }

    static void print(PrintWriter out, DistillRequest request, Result r, String method, boolean withBaseline) {
        out.println();
        out.printf("%-8s %9s %10s %18s %s%n", "set", "examples", "floats", "test accuracy", "(mean +- sd over " + request.evalSeeds() + " networks)");
        for (String m : withBaseline ? List.of(method, "random") : List.of(method)) {
            double[] a = r.accuracy(m);
            Evaluated any = r.evaluations().stream().filter(e -> e.method().equals(m)).findFirst().orElseThrow();
            out.printf("%-8s %9d %10d %11.2f%% +- %.2f%n", m, any.trainExamples(), any.transmittedFloats(), 100 * a[0], 100 * a[1]);
        }
        out.printf("run %s SUCCEEDED%n", r.runId());
        out.flush();
    }

    private static Map<String, Object> figures(Result r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("clients", r.clients().size());
        f.put("synthetic_examples", r.clients().stream().mapToInt(c -> c.distilled().size()).sum());
        f.put("distill_seconds", r.distillSeconds());
        for (String m : r.evaluations().stream().map(Evaluated::method).distinct().toList()) {
            double[] a = r.accuracy(m);
            f.put(m + "_test_accuracy_mean", Rows.nullable(a[0]));
            f.put(m + "_test_accuracy_sd", Rows.nullable(a[1]));
        }
        return f;
    }
}
