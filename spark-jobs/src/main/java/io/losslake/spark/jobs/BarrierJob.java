package io.losslake.spark.jobs;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.ClientState;
import io.losslake.federated.Streams;
import io.losslake.federated.barrier.Barriers;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.simulation.Checkpoint;
import io.losslake.federated.simulation.RunSettings;
import io.losslake.federated.simulation.Simulation;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.federated.ClientSource;
import io.losslake.spark.federated.LakeRows;
import io.losslake.spark.federated.LakeSink;
import io.losslake.spark.lake.Json;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.runtime.Version;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * Barriers between two models of a federate run, written to {@code barriers}: the round's global
 * model, a client's model of that round (trained again from the checkpoint before it, bit for bit
 * what it sent: {@link Simulation#replay}) or another run's global model, on the test split or a
 * client's examples.
 */
public final class BarrierJob {
    private BarrierJob() {
    }

    /** What was compared and the barriers. */
    public record Result(String runId, String modelRunId, int round, String pair, String evalSet, int examples, Barriers.Report report) {
    }

    /** A federate run of the lake, as a barrier needs it. */
    record FederateRun(String runId, FederateRequest request, ClientDatasets.PlanInfo info, ModelSpec model, Checkpoint last) {
        static FederateRun open(Lake lake, String runId, String flag) {
            Row row = new RunLog(lake).find(runId);
            if (row == null) {
                throw new UserInputException(flag + " " + runId + ": the lake " + lake.root() + " has no run with that id.");
            }
            if (!"federate".equals(row.getAs("command"))) {
                throw new UserInputException(flag + " " + runId + ": that run is a '" + row.getAs("command") + "' run; barriers compare federate runs' models.");
            }
            FederateRequest request = FederateRequest.fromConfig(Json.map(row.getAs("config_json")));
            ClientDatasets.PlanInfo info = ClientDatasets.describe(lake, request.plan());
            int features = Arrays.stream(info.shape()).reduce(1, (a, b) -> a * b);
            ModelSpec model = ModelSpec.parse(request.model(), features, info.numClasses());
            Checkpoint last = LakeSink.checkpoint(lake, runId, null);
            if (last == null) {
                throw new UserInputException(flag + " " + runId + ": that run has no checkpoint yet (it has not finished a round).");
            }
            return new FederateRun(runId, request, info, model, last);
        }

        int lastRound() {
            return last.round();
        }

        /** Its checkpoint of {@code round} (read from the lake unless it is the last). */
        Checkpoint checkpoint(Lake lake, int round, String flag) {
            Checkpoint c = round == last.round() ? last : LakeSink.checkpoint(lake, runId, round);
            if (c == null) {
                throw new UserInputException(flag + " " + round + ": run " + runId + " has no checkpoint of that round; its checkpoints are rounds 1 to "
                        + last.round() + ".");
            }
            return c;
        }
    }

    /** Checks a request before Spark starts; one sentence on the first bad option. */
    public static void check(BarrierRequest request) {
        UserErrors.check(request::check);
    }

    /**
     * Measures the request's barriers and writes them; with no pair and a plot folder, only draws what the lake holds.
     *
     * @return the barriers, or null when it only drew
     */
    public static Result run(Lake lake, BarrierRequest request, PrintWriter out) {
        return execute(lake, request, null, out);
    }

    /**
     * Finishes the killed barrier run {@code runId} with its stored request: the measurement again (seeded, so the same
     * numbers), written only when the killed invocation did not write it already.
     */
    public static Result resume(Lake lake, String runId, PrintWriter out) {
        Row row = new RunLog(lake).unfinished(runId, "barrier");
        return execute(lake, BarrierRequest.fromConfig(Json.map(row.getAs("config_json"))), runId, out);
    }

    private static Result execute(Lake lake, BarrierRequest request, String resumed, PrintWriter out) {
        Instant startedAt = Instant.now();
        check(request);
        if (request.drawOnly()) {
            FederateRun run = FederateRun.open(lake, request.runId(), "--run");
            BarrierPlots.write(lake, request.plots(), run.runId(), null, out);
            return null;
        }
        List<BarrierRequest.Model> pair = request.pair();
        BarrierRequest.Model on = request.evalSet();
        FederateRun run = FederateRun.open(lake, request.runId(), "--run");
        int round = request.round() == null ? run.lastRound() : request.round();
        // every model and client is read and checked before the run's row is written: bad input leaves the lake as it was
        Map<BarrierRequest.Model, float[]> stored = new java.util.HashMap<>();
        List<Integer> clientIds = new ArrayList<>();
        for (BarrierRequest.Model m : pair) {
            switch (m.kind()) {
                case BarrierRequest.Model.GLOBAL -> stored.put(m, run.checkpoint(lake, round, "--round").weights());
                case BarrierRequest.Model.RUN -> {
                    FederateRun other = FederateRun.open(lake, m.id(), "--between run:");
                    if (!other.model().equals(run.model())) {
                        throw new UserInputException("--between run:" + m.id() + ": that run trains " + other.model().describe() + " but run "
                                + run.runId() + " trains " + run.model().describe() + "; barriers compare models of one architecture.");
                    }
                    stored.put(m, (request.round() == null ? other.last() : other.checkpoint(lake, round, "--round")).weights());
                }
                default -> clientIds.add(m.clientId());
            }
        }
        if (!clientIds.isEmpty()) {
            run.checkpoint(lake, round, "--round"); // a client's round must be one the run finished
        }
        if (on.kind().equals(BarrierRequest.Model.CLIENT)) {
            clientIds.add(on.clientId());
        }
        for (int id : clientIds) {
            if (id >= run.info().numClients()) {
                throw new UserInputException("Invalid client:" + id + ": plan " + run.request().plan() + " has clients 0 to " + (run.info().numClients() - 1) + ".");
            }
        }
        ClientSource source = null;
        try {
            Map<Integer, ClientData> clients = new LinkedHashMap<>();
            int[] available = null;
            if (!clientIds.isEmpty()) {
                ClientDatasets.PlanInfo info = run.info();
                int parallelism = lake.spark().sparkContext().defaultParallelism();
                int slices = run.request().slices() != null ? run.request().slices() : (info.numClients() <= 256 ? info.numClients() : 4 * parallelism);
                source = ClientSource.of(ClientDatasets.load(lake, info, slices), info.numClients());
                available = source.available();
                List<Integer> wanted = clientIds.stream().distinct().toList();
                for (ClientData c : source.rdd().filter(c -> wanted.contains(c.clientId())).collect()) {
                    clients.put(c.clientId(), c);
                }
                for (int id : wanted) {
                    if (!clients.containsKey(id) || clients.get(id).size() == 0) {
                        throw new UserInputException("Invalid client:" + id + ": that client of plan " + run.request().plan() + " holds no examples.");
                    }
                }
            }
            String runId = resumed != null ? resumed : RunLog.newRunId(startedAt);
            RunLog.Start start = new RunLog.Start(runId, "barrier", request.seed(), run.info().dataset() + " / " + run.request().plan(),
                    Json.of(request.toConfig()), startedAt);
            int[] withData = available;
            return new RunLog(lake).record(start, resumed != null, Version.current(),
                    () -> measure(lake, request, run, round, pair, on, stored, clients, withData, runId, resumed != null, out), done -> RunLog.Ending.succeeded(figures(done)));
        } finally {
            if (source != null) {
                source.release();
            }
        }
    }

    /**
     * @param stored    the weights of the pair's global and other-run models
     * @param clients   the clients named by the pair or --on, with their examples
     * @param available the plan's clients holding data (null when no client is named)
     */
    private static Result measure(Lake lake, BarrierRequest request, FederateRun run, int round, List<BarrierRequest.Model> pair,
                                  BarrierRequest.Model on, Map<BarrierRequest.Model, float[]> stored, Map<Integer, ClientData> clients,
                                  int[] available, String runId, boolean resumed, PrintWriter out) {
        ClientDatasets.PlanInfo info = run.info();
        ClientData test = ClientDatasets.loadSplit(lake, info.dataset(), "test", info.shape(), info.numClasses(), 0, 0);
        ClientData evalSet = on.kind().equals("test")
                ? (request.sample() == 0 ? test : ClientDatasets.loadSplit(lake, info.dataset(), "test", info.shape(), info.numClasses(), request.sample(),
                Seeds.derive(request.seed(), Streams.BARRIERS)))
                : clients.get(on.clientId());
        List<float[]> weights = new ArrayList<>();
        Simulation simulation = null;
        for (BarrierRequest.Model m : pair) {
            if (stored.containsKey(m)) {
                weights.add(stored.get(m));
            } else {
                if (simulation == null) {
                    simulation = simulation(lake, run, available, test);
                }
                weights.add(replay(lake, run, simulation, round, clients.get(m.clientId()), out));
            }
        }
        Barriers barriers = new Barriers(run.model(), Simulation.layoutOf(run.model()), evalSet, request.grid());
        List<Barriers.Variant> orders = request.cumulativeOrders();
        String pairText = pair.get(0).describe() + "," + pair.get(1).describe();
        String evalText = on.describe();
        out.printf("losslake barrier: run %s, round %d of run %s, %s on %s (%,d examples), %s, alphas %s; %,d evaluations%n", runId, round,
                run.runId(), pairText, evalText, evalSet.size(), run.model().describe(), request.grid().describe(),
                barriers.evaluations(request.layers(), orders.size()));
        out.flush();
        long begin = System.nanoTime();
        long[] lastPrint = {begin};
        Barriers.Report report = barriers.all(weights.get(0), weights.get(1), request.layers(), orders, Seeds.derive(request.seed(), Streams.BARRIERS, 1),
                (done, total) -> {
                    long now = System.nanoTime();
                    if (now - lastPrint[0] > 5_000_000_000L && done < total) {
                        double elapsed = (now - begin) / 1e9;
                        out.printf("  %d of %d evaluations, %.0f s, about %.0f s left%n", done, total, elapsed, elapsed / done * (total - done));
                        out.flush();
                        lastPrint[0] = now;
                    }
                });
        Result result = new Result(runId, run.runId(), round, pairText, evalText, evalSet.size(), report);
        List<Row> rows = LakeRows.barriers(runId, run.runId(), round, pairText, evalText, evalSet.size(), report);
        if (resumed && new RunLog(lake).wrote(Tables.BARRIERS, runId)) {
            out.printf("(the killed invocation of run %s had written its barriers; not written again)%n", runId);
        } else {
            lake.append(Tables.BARRIERS, Tables.BARRIERS_SCHEMA, rows);
        }
        print(out, result);
        if (request.plots() != null) {
            BarrierPlots.write(lake, request.plots(), run.runId(), result, out);
        }
        out.printf("%d barriers written to %s in %.1f s%n", rows.size(), lake.path(Tables.BARRIERS), (System.nanoTime() - begin) / 1e9);
        out.flush();
        return result;
    }

    private static Simulation simulation(Lake lake, FederateRun run, int[] available, ClientData test) {
        RunSettings settings = run.request().settings(available.length);
        ClientData sample = settings.decomposeEvery() == 0 ? null : ClientDatasets.loadSplit(lake, run.info().dataset(), "train", run.info().shape(),
                run.info().numClasses(), settings.decomposeSample(), Seeds.derive(settings.seed(), Streams.DECOMPOSITION_SAMPLE));
        return new Simulation(new Simulation.Setup(run.runId(), settings, run.model(), available, test, sample));
    }

    private static float[] replay(Lake lake, FederateRun run, Simulation simulation, int round, ClientData client, PrintWriter out) {
        Checkpoint before = round == 1 ? null : run.checkpoint(lake, round - 1, "--round");
        ClientState state = ClientState.EMPTY;
        if (simulation.keepsClientState()) {
            try (LakeSink sink = new LakeSink(lake, run.runId(), false, false, LakeSink.COMMIT_EVERY_SECONDS)) {
                state = sink.clientStates(new int[] {client.clientId()}, round).getOrDefault(client.clientId(), ClientState.EMPTY);
            }
        }
        Simulation.Replay replay = simulation.replay(round, before, client, state);
        if (!replay.dispatched()) {
            out.printf("note: round %d did not train client %d (not sampled, or dropped); its model is its full local work from the round's start%n",
                    round, client.clientId());
        }
        return replay.outcome().update().weights();
    }

    static void print(PrintWriter out, Result r) {
        Barriers.Endpoints e = r.report().endpoints();
        out.printf("endpoints: loss %.4f / %.4f, error %.2f%% / %.2f%%%n", e.lossFirst(), e.lossSecond(), e.errorFirst(), e.errorSecond());
        out.printf("%-11s %-12s %5s %-16s %6s %12s %8s %14s %8s%n", "kind", "variant", "layer", "block", "blocks", "loss barrier", "at alpha",
                "error barrier", "at alpha");
        for (Barriers.Result b : r.report().results()) {
            out.printf(Locale.ROOT, "%-11s %-12s %5s %-16s %6d %12.4f %8.3g %13.2fpp %8.3g%n", b.kind(), b.variant(), b.block() < 0 ? "-" : b.block(),
                    b.blockName() == null ? "-" : b.blockName(), b.blocks(), b.lossBarrier(), b.lossAlpha(), b.errorBarrier(), b.errorAlpha());
        }
    }

    private static Map<String, Object> figures(Result r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("model_run_id", r.modelRunId());
        f.put("round", r.round());
        f.put("pair", r.pair());
        f.put("barriers", r.report().results().size());
        f.put("full_loss_barrier", r.report().results().get(0).lossBarrier());
        f.put("full_error_barrier", r.report().results().get(0).errorBarrier());
        return f;
    }
}
