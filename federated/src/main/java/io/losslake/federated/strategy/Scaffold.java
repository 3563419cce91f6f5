package io.losslake.federated.strategy;

import io.losslake.common.Param;
import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.federated.ClientFailure;
import io.losslake.federated.ClientProgram;
import io.losslake.federated.ClientState;
import io.losslake.federated.ClientUpdate;
import java.util.List;
import java.util.Map;

/**
 * SCAFFOLD (Karimireddy et al., ICML 2020), option II control variates. Client i with control
 * variate c_i (zero at first) and the server's c runs its local steps on g_i(y) - c_i + c (the
 * correction enters the gradient, so with momentum it is smoothed like the data gradient; NIID-Bench
 * instead adds -lr (c - c_i) to the weights after each optimiser step, equal for plain SGD), then
 * c_i+ = c_i - c + (x - y_i) / (K lr), K its local steps, and reports Delta y_i = y_i - x and
 * Delta c_i = c_i+ - c_i. The server (paper's Algorithm 1): x <- x + eta_g (1/|S|) sum Delta y_i,
 * c <- c + (|S| / N) (1/|S|) sum Delta c_i, N all clients. The paper's uniform mean is kept
 * (NIID-Bench and Flower weight the model average by example counts).
 */
public final class Scaffold implements AggregationStrategy, LinearAggregation {
    public static final String NAME = "scaffold";
    public static final String CLIENT_VARIATE = "scaffold.c_i";
    static final String SERVER_VARIATE = "scaffold.c";
    static final String DELTA_C = "scaffold.delta_c";

    private final double serverLr;
    private final int totalClients;

    public Scaffold(double serverLr, int totalClients) {
        if (!(serverLr > 0) || Double.isInfinite(serverLr)) {
            throw new IllegalArgumentException("Invalid --server-lr " + serverLr + ": expected a positive number.");
        }
        this.serverLr = serverLr;
        this.totalClients = totalClients;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean keepsClientState() {
        return true;
    }

    @Override
    public ServerState initialState(float[] global) {
        return new ServerState(Map.of(SERVER_VARIATE, new float[global.length]), Map.of());
    }

    @Override
    public ClientProgram clientProgram(int round, ServerState state) {
        return new Program(state.tensors().get(SERVER_VARIATE));
    }

    /** The client side: drift-corrected steps, then the option II variate update. */
    static final class Program implements ClientProgram {
        private static final long serialVersionUID = 1L;
        private final float[] c;

        Program(float[] c) {
            this.c = c;
        }

        @Override
        public long serverFloats() {
            return c.length;
        }

        @Override
        public long clientFloats() {
            return c.length;
        }

        private float[] clientVariate(ClientState state) {
            float[] ci = state.tensor(CLIENT_VARIATE);
            return ci == null ? new float[c.length] : ci;
        }

        /**
         * The paper's step is y <- y - lr (g(y) - c_i + c) with plain SGD. With momentum, putting
         * c - c_i into the gradient lets the momentum amplify it (up to 1/(1 - mu), 10x at 0.9) on
         * top of option II's variates, which already carry the momentum's amplification; runs with
         * Nesterov 0.9 and 10 local epochs diverged that way. Like NIID-Bench, the correction is
         * applied to the weights after each optimiser step instead: identical for plain SGD.
         */
        @Override
        public float[] stepCorrection(float[] start, ClientState state) {
            float[] ci = clientVariate(state);
            float[] correction = new float[c.length];
            for (int i = 0; i < c.length; i++) {
                correction[i] = c[i] - ci[i];
            }
            return correction;
        }

        @Override
        public Outcome finish(float[] start, float[] trained, ClientState state, long steps, double learningRate) {
            float[] ci = clientVariate(state);
            float[] next = new float[c.length];
            float[] delta = new float[c.length];
            double scale = 1.0 / (steps * learningRate);
            for (int i = 0; i < c.length; i++) {
                double updated = ci[i] - c[i] + ((double) start[i] - trained[i]) * scale;
                next[i] = (float) updated;
                delta[i] = (float) (updated - ci[i]);
            }
            return new Outcome(state.with(CLIENT_VARIATE, next), Map.of(DELTA_C, delta));
        }
    }

    @Override
    public Result aggregate(int round, float[] global, List<ClientUpdate> updates, List<ClientFailure> failures, ServerState state) {
        return aggregate(round, global, sumOf(updates, global), failures, state);
    }

    @Override
    public Summand summand() {
        return Summand.DELTAS_AND_CONTROL_DELTAS;
    }

    /** {@code sum} holds sum Delta y_i in its first P values and sum Delta c_i in the next P. */
    @Override
    public Result aggregate(int round, float[] global, Sum sum, List<ClientFailure> failures, ServerState state) {
        float[] c = state.tensors().get(SERVER_VARIATE).clone();
        int p = global.length;
        int count = sum.count();
        double share = (double) count / totalClients;
        double[] values = sum.values();
        float[] next = new float[p];
        for (int i = 0; i < p; i++) {
            next[i] = (float) (global[i] + serverLr * (values[i] / count));
            c[i] = (float) (c[i] + share * values[p + i] / count);
        }
        return new Result(next, new ServerState(Map.of(SERVER_VARIATE, c), state.scalars()));
    }

    /** {@code scaffold --server-lr}. */
    public static final class Descriptor extends NamedDescriptor implements StrategyDescriptor {
        static final Param<Double> SERVER_LR = Param.number("server-lr", 1.0, "server step size eta_g");

        public Descriptor() {
            super(NAME, "control variates, option II (Karimireddy et al. 2020)", 90, SERVER_LR);
        }

        @Override
        public AggregationStrategy create(Values values, Strategies.Context context) {
            return new Scaffold(values.get(SERVER_LR), context.totalClients());
        }
    }
}
