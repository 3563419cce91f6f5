package io.losslake.federated.simulation;

import io.losslake.data.ClientData;
import io.losslake.data.Seeds;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientProgram;
import io.losslake.federated.ClientState;
import io.losslake.federated.ClientUpdate;
import io.losslake.federated.Evaluation;
import io.losslake.federated.Evaluator;
import io.losslake.federated.LossDecomposition;
import io.losslake.federated.ParamLayout;
import io.losslake.federated.Streams;
import io.losslake.federated.barrier.BarrierWatch;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.strategy.AggregationStrategy;
import io.losslake.federated.strategy.LinearAggregation;
import io.losslake.federated.strategy.ServerState;
import io.losslake.federated.strategy.Strategies;
import io.losslake.scaling.Flops;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A federated run's round loop, engine-free: per round it plans ({@link RoundPlanner}: sampling,
 * fates, the strategy's client program), reads the dispatched clients' state from the sink, has the
 * executor train them, refuses updates holding NaN or infinity, aggregates with the strategy (which
 * is told successes and failures apart), fine-tunes on the clients' synthetic sets when the run has
 * them ({@link SyntheticRounds}), evaluates the global model, computes the telemetry and the
 * loss decomposition, and records the round and its checkpoint in the sink. It knows neither where
 * clients run ({@link ClientExecutor}) nor where rows go ({@link RoundSink}); the same settings and
 * seed give bit-identical rounds on every executor, and a run resumed from a checkpoint continues
 * exactly as if it had never stopped.
 */
public final class Simulation {
    private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);
    private static final OptimizerSpec LAYOUT_ONLY = new OptimizerSpec("sgd", 0.01, 0);

    /**
     * A run, decided and validated before any engine starts.
     *
     * @param available           ids of the clients holding data, ascending
     * @param test                the test split the global model is evaluated on
     * @param decompositionSample the fixed sample of global training data for the loss decomposition; null when it is off
     * @param synthetic           the clients' synthetic sets and the server's fine-tuning on them; null when the run uses none
     */
    public record Setup(String runId, RunSettings settings, ModelSpec model, int[] available, ClientData test, ClientData decompositionSample,
                        SyntheticRounds synthetic) {
        /** A run without synthetic sets. */
        public Setup(String runId, RunSettings settings, ModelSpec model, int[] available, ClientData test, ClientData decompositionSample) {
            this(runId, settings, model, available, test, decompositionSample, null);
        }
    }

    /** Told each round's metrics and the new global weights. */
    @FunctionalInterface
    public interface RoundListener {
        void round(RoundMetrics metrics, float[] globalWeights);
    }

    private final Setup setup;
    private final ParamLayout layout;
    private final AggregationStrategy strategy;
    private final RoundPlanner planner;
    private final double flopsPerExample;
    /** Where barriers are measured, null when the run measures none. */
    private final RoundBarriers barriers;

    /**
     * @throws IllegalArgumentException one sentence naming a setting this model or plan cannot take
     */
    public Simulation(Setup setup) {
        this.setup = setup;
        RunSettings settings = setup.settings();
        this.layout = layoutOf(setup.model());
        settings.layers().validate(layout);
        this.strategy = Strategies.create(settings.strategy(), settings.strategyOptions(), new Strategies.Context(setup.available().length, layout));
        if (settings.decomposeEvery() > 0 && setup.decompositionSample() == null) {
            throw new IllegalArgumentException("the loss decomposition needs a sample of the training data");
        }
        BarrierWatch watch = settings.barriers();
        this.barriers = watch.every() > 0 || watch.policy() ? new RoundBarriers(watch, setup.model(), layout, setup.test(), settings.seed()) : null;
        this.planner = new RoundPlanner(settings, setup.available(), strategy, barriers);
        this.flopsPerExample = trainingFlopsPerExample(setup.model());
    }

    /** What every dispatched client runs, for executors to ship to where clients live. */
    public ClientRunner clientRunner() {
        RunSettings s = setup.settings();
        return new ClientRunner(setup.model(), layout, s.local(), s.layers(), s.holdout(), s.seed());
    }

    public AggregationStrategy strategy() {
        return strategy;
    }

    public ParamLayout layout() {
        return layout;
    }

    /**
     * Client {@code client}'s model of {@code round}, trained again from the checkpoint before it
     * exactly as the round trained it: the same start (global weights and its personal layers), the
     * strategy's client program of that round, its work fraction and its seeded batch order. A run
     * is a pure function of its settings, so for a client the round dispatched these are the weights
     * it sent; a client the round did not dispatch (not sampled, dropped or a dropped straggler) gets
     * its full local work, as if it had been sampled.
     *
     * @param before the checkpoint of {@code round - 1}, null for round 1
     * @param state  the state the client kept from the rounds before {@code round}
     */
    public Replay replay(int round, Checkpoint before, ClientData client, ClientState state) {
        if (before != null && before.round() != round - 1) {
            throw new IllegalArgumentException("round " + round + " starts from the checkpoint of round " + (round - 1) + ", not " + before.round());
        }
        float[] global = before == null ? initialWeights(setup.model(), setup.settings().initSeed()) : before.weights();
        ServerState serverState = before == null ? strategy.initialState(global) : before.state();
        RoundPlan plan = planner.plan(round, global, RoundBarriers.strategyPart(SyntheticRounds.without(serverState)),
                setup.settings().barriers().policy() ? RoundBarriers.local(serverState) : null);
        ClientWork dispatched = plan.work().stream().filter(w -> w.clientId() == client.clientId()).findFirst().orElse(null);
        ClientWork work = new ClientWork(client.clientId(), dispatched == null ? 1 : dispatched.workFraction(), state);
        RoundInput in = plan.input();
        RoundInput plain = new RoundInput(in.round(), in.global(), in.program(), false, in.summand(), null, in.personal());
        return new Replay(clientRunner().run(client, work, plain, null), dispatched != null);
    }

    /**
     * A replayed client.
     *
     * @param dispatched whether the round dispatched it (else it trained with its full work only for the replay)
     */
    public record Replay(ClientOutcome outcome, boolean dispatched) {
    }

    /** Clients sampled per round. */
    public int clientsPerRound() {
        return planner.perRound();
    }

    /** Whether clients keep state between rounds (the strategy's control variates, personal layers): the sink is read every round. */
    public boolean keepsClientState() {
        return setup.settings().personalises() || strategy.keepsClientState();
    }

    /** The global model every run with this model and initial-weights seed starts from. */
    public static float[] initialWeights(ModelSpec model, long seed) {
        return ModelFactory.weightsOf(ModelFactory.initialised(model, LAYOUT_ONLY, Seeds.derive(seed, Streams.INITIAL_WEIGHTS)));
    }

    /** Where each parameter tensor of {@code model} lives in its flat weights. */
    public static ParamLayout layoutOf(ModelSpec model) {
        return ParamLayout.of(ModelFactory.withWeights(model, LAYOUT_ONLY, new float[(int) model.parameterCount()]));
    }

    /** Training FLOPs per example of the model (forward and backward). */
    public static double trainingFlopsPerExample(ModelSpec model) {
        return Flops.trainingPerExample(model.layers().stream()
                .map(l -> new Flops.Layer(l.kind(), l.in(), l.out(), l.kernel(), l.outHeight(), l.outWidth())).toList());
    }

    /**
     * Runs the rounds after {@code from} (null: from the start), recording each in {@code sink} and
     * telling {@code listener} as each round's metrics are known; flushes the sink at the end.
     *
     * @return the final global weights
     */
    public float[] run(ClientExecutor executor, RoundSink sink, Checkpoint from, RoundListener listener) {
        RunSettings settings = setup.settings();
        float[] global = from == null ? initialWeights(setup.model(), settings.initSeed()) : from.weights();
        ServerState full = from == null ? strategy.initialState(global) : from.state();
        // the strategy's own; the auto-barrier policy's choice and the server's synthetic sets are kept apart
        ServerState state = RoundBarriers.strategyPart(SyntheticRounds.without(full));
        Set<Integer> local = settings.barriers().policy() ? RoundBarriers.local(full) : null;
        SyntheticRounds synthetic = setup.synthetic();
        Set<Integer> received = synthetic == null ? null : SyntheticRounds.received(full);
        double flops = from == null ? 0 : from.trainFlops();
        boolean stateful = keepsClientState();
        for (int round = from == null ? 1 : from.round() + 1; round <= settings.rounds(); round++) {
            long start = System.nanoTime();
            RoundPlan plan = planner.plan(round, global, state, local);
            if (stateful) {
                plan = plan.withStates(sink.clientStates(plan.dispatched(), round));
            }
            long trainStart = System.nanoTime();
            ClientExecutor.Trained trained = plan.work().isEmpty() ? ClientExecutor.Trained.of(List.of()) : executor.train(plan);
            double trainingSeconds = (System.nanoTime() - trainStart) / 1e9;

            Accepted accepted = accept(plan, trained.outcomes(), stateful);
            LinearAggregation.Sum sum = trained.averaged() == null && strategy instanceof LinearAggregation linear
                    ? BlockSums.round(plan.work(), accepted.byId, trained.sums(), linear.summand(), global) : null;
            if (trained.averaged() != null) {
                if (finite(trained.averaged().weights())) {
                    global = trained.averaged().weights(); // the engine's average is the round's FedAvg step
                } else {
                    // the engine averaged before anyone could look at its clients: refuse the whole average
                    LOG.warn("run {} round {}: the engine's average of the clients' models holds NaN or infinity; it is refused", setup.runId(), round);
                }
            } else if (sum != null && sum.count() > 0) {
                AggregationStrategy.Result result = ((LinearAggregation) strategy).aggregate(round, global, sum, accepted.failures, state);
                global = result.weights();
                state = result.state();
            } else if (sum == null && !accepted.updates.isEmpty()) {
                AggregationStrategy.Result result = strategy.aggregate(round, global, accepted.updates, accepted.failures, state);
                global = result.weights();
                state = result.state();
            } else {
                LOG.warn("run {} round {}: no client update arrived; the global model is unchanged", setup.runId(), round);
            }
            long syntheticFloats = 0;
            long tunedExamples = 0;
            if (synthetic != null) {
                int[] arrived = trained.averaged() != null ? plan.work().stream().mapToInt(ClientWork::clientId).toArray()
                        : accepted.updates.stream().mapToInt(ClientUpdate::clientId).toArray();
                for (int id : arrived) {
                    if (received.add(id)) {
                        syntheticFloats += synthetic.floats(id);
                    }
                }
                io.losslake.federated.distill.SyntheticSet union = synthetic.union(received);
                if (union != null) {
                    global = synthetic.tuning().tune(setup.model(), global, union.asData(), Seeds.derive(settings.seed(), Streams.SERVER_TUNING, round));
                    tunedExamples = synthetic.tuning().examplesPerRound(union.size());
                }
            }
            Evaluation test = plan.evaluate() ? Evaluator.evaluate(setup.model(), global, setup.test()) : null;
            LossDecomposition decomposition = plan.input().decompose() && !accepted.updates.isEmpty()
                    ? decompose(accepted.updates, Evaluator.evaluate(setup.model(), global, setup.decompositionSample()).loss()) : null;
            List<RoundBarriers.Pair> measured = List.of();
            RoundInput input = plan.input();
            if (barriers != null && input.keep().length > 0) {
                List<ClientUpdate> compared = accepted.updates.stream().filter(u -> input.keeps(u.clientId())).toList();
                measured = barriers.measure(global, compared);
                if (local != null) {
                    local = barriers.next(local, measured);
                }
            }
            long examples = trained.averaged() != null ? trained.averaged().examples() : processed(accepted.updates);
            flops += flopsPerExample * (examples + tunedExamples);
            RoundMetrics metrics = metrics(plan, trained, accepted, test, decomposition, examples, flops, start, trainingSeconds, syntheticFloats);
            ServerState checkpointed = local == null ? state : RoundBarriers.withLocal(state, local);
            checkpointed = received == null ? checkpointed : SyntheticRounds.withReceived(checkpointed, received);
            sink.record(new RoundRecord(metrics, accepted.reports, accepted.states, new Checkpoint(round, global, checkpointed, flops),
                    barrierRows(measured)));
            listener.round(metrics, global);
        }
        sink.flush();
        return global;
    }

    private List<RoundRecord.PairBarriers> barrierRows(List<RoundBarriers.Pair> measured) {
        return measured.stream().map(p -> new RoundRecord.PairBarriers(p.pair(), "test", barriers.evalExamples(), p.report())).toList();
    }

    /** A round's updates after refusing the non-finite ones. */
    private record Accepted(List<ClientOutcome> outcomes, Map<Integer, ClientOutcome> byId, List<ClientUpdate> updates, List<ClientFailure> failures,
                            List<ClientReport> reports, Map<Integer, ClientState> states, int rejected) {
    }

    private Accepted accept(RoundPlan plan, List<ClientOutcome> unordered, boolean stateful) {
        List<ClientOutcome> outcomes = new ArrayList<>(unordered);
        outcomes.sort(Comparator.comparingInt(o -> o.update().clientId()));
        Map<Integer, ClientOutcome> byId = new java.util.HashMap<>();
        outcomes.forEach(o -> byId.put(o.update().clientId(), o));
        List<ClientUpdate> updates = new ArrayList<>();
        List<ClientFailure> failures = new ArrayList<>(plan.failures());
        List<ClientReport> reports = new ArrayList<>();
        Map<Integer, ClientState> states = new LinkedHashMap<>();
        int rejected = 0;
        for (ClientOutcome o : outcomes) {
            ClientUpdate u = o.update();
            String status;
            if (!o.finite()) {
                LOG.warn("run {} round {}: client {} sent an update with NaN or infinity; it is refused", setup.runId(), plan.round(), u.clientId());
                failures.add(new ClientFailure(u.clientId(), ClientFailure.REJECTED));
                rejected++;
                status = ClientFailure.REJECTED;
            } else {
                updates.add(u);
                status = u.partial() ? ClientReport.PARTIAL : ClientReport.OK;
                if (stateful) {
                    states.put(u.clientId(), u.state());
                }
            }
            reports.add(new ClientReport(u.clientId(), status, u, o.updateNorm()));
        }
        for (ClientFailure f : plan.failures()) {
            reports.add(new ClientReport(f.clientId(), f.reason(), null, Double.NaN));
        }
        failures.sort(Comparator.comparingInt(ClientFailure::clientId));
        return new Accepted(outcomes, byId, updates, failures, reports, states, rejected);
    }

    private static boolean finite(float[] weights) {
        for (float w : weights) {
            if (!Float.isFinite(w)) {
                return false;
            }
        }
        return true;
    }

    private static long processed(List<ClientUpdate> updates) {
        long examples = 0;
        for (ClientUpdate u : updates) {
            examples += u.examplesProcessed();
        }
        return examples;
    }

    private RoundMetrics metrics(RoundPlan plan, ClientExecutor.Trained trained, Accepted accepted, Evaluation test, LossDecomposition decomposition,
                                 long examples, double flops, long start, double trainingSeconds, long syntheticFloats) {
        double lossSum = 0;
        long lossExamples = 0;
        double personal = 0;
        double globalHeld = 0;
        int heldCount = 0;
        double[] losses = new double[accepted.updates.size()];
        for (int i = 0; i < losses.length; i++) {
            ClientUpdate u = accepted.updates.get(i);
            lossSum += u.trainLoss() * u.examplesProcessed();
            lossExamples += u.examplesProcessed();
            losses[i] = u.trainLoss();
            if (!Double.isNaN(u.metrics().personalAccuracy())) {
                personal += u.metrics().personalAccuracy();
                globalHeld += u.metrics().globalHoldoutAccuracy();
                heldCount++;
            }
        }
        long computeNanos = 0;
        for (ClientOutcome o : accepted.outcomes) {
            computeNanos += o.update().computeNanos();
        }
        boolean averaged = trained.averaged() != null;
        long modelFloats = plan.input().global().length;
        // counted from the program, not the updates: executors that sum the clients' weights where they train return none
        ClientProgram program = plan.input().program();
        long uploaded = (averaged ? plan.work().size() : accepted.outcomes.size()) * (modelFloats + program.clientFloats()) + syntheticFloats;
        long downloaded = plan.sampled().length * (modelFloats + program.serverFloats());
        int dropped = (int) accepted.failures.stream().filter(f -> f.reason().equals(ClientFailure.DROPPED)).count();
        return new RoundMetrics(setup.runId(), plan.round(), test, lossExamples == 0 ? Double.NaN : lossSum / lossExamples, percentiles(losses),
                averaged ? plan.work().size() : accepted.updates.size(), plan.sampled().length, dropped, plan.straggling(), accepted.rejected,
                examples, flops, (System.nanoTime() - start) / 1e9, averaged ? Double.NaN : computeNanos / 1e9, trainingSeconds, decomposition,
                heldCount == 0 ? Double.NaN : personal / heldCount, heldCount == 0 ? Double.NaN : globalHeld / heldCount, uploaded, downloaded,
                syntheticFloats, Instant.now());
    }

    static LossDecomposition decompose(List<ClientUpdate> updates, double globalLoss) {
        long[] n = new long[updates.size()];
        double[] own = new double[updates.size()];
        double[] sample = new double[updates.size()];
        for (int i = 0; i < n.length; i++) {
            n[i] = updates.get(i).numExamples();
            own[i] = updates.get(i).metrics().localLoss();
            sample[i] = updates.get(i).metrics().sampleLoss();
        }
        return LossDecomposition.of(n, own, sample, globalLoss);
    }

    /** p10, p50 and p90, NaN when there are no values. */
    static double[] percentiles(double[] values) {
        if (values.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new double[] {quantile(sorted, 0.1), quantile(sorted, 0.5), quantile(sorted, 0.9)};
    }

    /** Linear interpolation between closest ranks (numpy's default). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
