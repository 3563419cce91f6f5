package io.losslake.federated.simulation;

import io.losslake.data.ClientData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains a round's clients on a fixed pool of threads of this JVM: for laptops, notebooks without
 * Spark and tests. Gives exactly the numbers the Spark executor gives (each client is the same pure
 * {@link ClientRunner#run}, and the loop orders outcomes by client id before aggregating).
 */
public final class LocalExecutor implements ClientExecutor {
    private final ClientRunner runner;
    private final Map<Integer, ? extends ClientData> clients;
    private final ClientData sample;
    private final ExecutorService pool;

    /**
     * @param clients every client that may be sampled, by id
     * @param sample  the loss decomposition's global sample, or null when it is off
     * @param threads clients trained at once; give each thread its own core (OMP_NUM_THREADS=1)
     */
    public LocalExecutor(ClientRunner runner, Map<Integer, ? extends ClientData> clients, ClientData sample, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("Invalid thread count " + threads + ": expected at least 1.");
        }
        this.runner = runner;
        this.clients = Map.copyOf(clients);
        this.sample = sample;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "losslake-client");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Trained train(RoundPlan plan) {
        List<Future<ClientOutcome>> running = new ArrayList<>();
        for (ClientWork work : plan.work()) {
            ClientData data = clients.get(work.clientId());
            if (data == null) {
                throw new IllegalArgumentException("round " + plan.round() + " dispatches client " + work.clientId() + ", which this executor does not hold");
            }
            running.add(pool.submit(() -> runner.run(data, work, plan.input(), sample)));
        }
        List<ClientOutcome> outcomes = new ArrayList<>(running.size());
        try {
            for (Future<ClientOutcome> f : running) {
                outcomes.add(f.get());
            }
        } catch (InterruptedException e) {
            running.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while round " + plan.round() + " trained", e);
        } catch (ExecutionException e) {
            running.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("a client of round " + plan.round() + " failed: " + cause, cause);
        }
        return Trained.of(outcomes);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
