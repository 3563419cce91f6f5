package io.losslake.federated.simulation;

import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientState;
import io.losslake.federated.strategy.AggregationStrategy;
import io.losslake.federated.strategy.LinearAggregation;
import io.losslake.federated.strategy.ServerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides each round before anything trains: samples {@code clientsPerRound} of the clients with
 * data (seeded by run and round), gives each sampled client its fate (seeded by run, round and
 * client: drops out, straggles or does all its work) and asks the strategy for the round's client
 * program. Pure: no engine, no storage.
 */
public final class RoundPlanner {
    private final RunSettings settings;
    private final int[] available;
    private final AggregationStrategy strategy;
    private final RoundBarriers barriers;

    /**
     * @param available ids of the clients holding data, ascending
     */
    public RoundPlanner(RunSettings settings, int[] available, AggregationStrategy strategy) {
        this(settings, available, strategy, null);
    }

    /** @param barriers where the run measures barriers (it chooses the clients compared), or null */
    RoundPlanner(RunSettings settings, int[] available, AggregationStrategy strategy, RoundBarriers barriers) {
        if (available.length == 0) {
            throw new IllegalArgumentException("no client holds any data");
        }
        this.settings = settings;
        this.available = available.clone();
        this.strategy = strategy;
        this.barriers = barriers;
    }

    /** Clients sampled per round: the asked number, at most every client with data. */
    public int perRound() {
        return Math.min(settings.clientsPerRound(), available.length);
    }

    /** The plan of {@code round} from {@code global} and the strategy's {@code state}; dispatched clients' state is empty (see {@link RoundPlan#withStates}). */
    public RoundPlan plan(int round, float[] global, ServerState state) {
        return plan(round, global, state, null);
    }

    /**
     * The plan of {@code round}; {@code local} the layers the auto-barrier policy keeps local this
     * round (null: the run's fixed layer policy).
     */
    public RoundPlan plan(int round, float[] global, ServerState state, Set<Integer> local) {
        int[] sampled = Sampling.sample(available, perRound(), settings.seed(), round);
        List<ClientWork> work = new ArrayList<>();
        List<ClientFailure> failures = new ArrayList<>();
        int straggling = 0;
        for (int c : sampled) {
            double fraction = Sampling.workFraction(settings.seed(), round, c, settings.dropout(), settings.straggle());
            if (fraction == 0) {
                failures.add(new ClientFailure(c, ClientFailure.DROPPED));
            } else if (fraction < 1 && settings.dropStragglers()) {
                failures.add(new ClientFailure(c, ClientFailure.STRAGGLER));
                straggling++;
            } else {
                straggling += fraction < 1 ? 1 : 0;
                work.add(new ClientWork(c, fraction, ClientState.EMPTY));
            }
        }
        LinearAggregation.Summand summand = strategy instanceof LinearAggregation linear ? linear.summand() : null;
        int[] keep = barriers != null && settings.barriers().due(round)
                ? barriers.chosen(round, work.stream().mapToInt(ClientWork::clientId).toArray()) : null;
        RoundInput input = new RoundInput(round, global, strategy.clientProgram(round, state), settings.decomposes(round), summand, keep, local);
        return new RoundPlan(sampled, work, failures, straggling, input, settings.evaluates(round));
    }
}
