package io.losslake.spark.federated;

import io.losslake.data.ClientData;
import io.losslake.federated.simulation.ClientExecutor;
import io.losslake.federated.simulation.ClientOutcome;
import io.losslake.federated.simulation.ClientRunner;
import io.losslake.federated.simulation.ClientWork;
import io.losslake.federated.simulation.RoundInput;
import io.losslake.federated.simulation.RoundPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.broadcast.Broadcast;

/**
 * Trains a round's clients as Spark tasks where they are cached: only the partitions holding
 * dispatched clients are read (one client per partition up to 256 clients, packed partitions
 * beyond), bundled into about two tasks per task slot by {@link TaskGroups}, each task zipped with
 * the work of its own clients (their work fraction and stored state), so client state travels with
 * its client's task and never to the others. What every client shares
 * (the global weights and the strategy's client program) is broadcast once per round. Each round
 * is one Spark job in the run's job group.
 */
public final class SparkExecutor implements ClientExecutor {
    private final JavaSparkContext jsc;
    private final ClientSource clients;
    private final ClientRunner runner;
    private final Broadcast<ClientData> sample;
    private final String jobGroup;
    private final String describe;

    /**
     * @param sample   the loss decomposition's global sample, or null when it is off (broadcast once per run)
     * @param runId    names the job group
     * @param describe what the run is, for each round's job description, e.g. "fedavg, 20 rounds"
     */
    public SparkExecutor(JavaSparkContext jsc, ClientSource clients, ClientRunner runner, ClientData sample, String runId, String describe) {
        this.jsc = jsc;
        this.clients = clients;
        this.runner = runner;
        this.sample = sample == null ? null : jsc.broadcast(sample);
        this.jobGroup = "losslake-" + runId;
        this.describe = "run " + runId + " " + describe;
    }

    @Override
    public Trained train(RoundPlan plan) {
        TreeMap<Integer, List<ClientWork>> byPartition = new TreeMap<>();
        for (ClientWork w : plan.work()) {
            byPartition.computeIfAbsent(clients.partitionOf(w.clientId()), p -> new ArrayList<>()).add(w);
        }
        // partition i of the pruned RDD is the i-th partition holding dispatched clients
        JavaRDD<ClientData> pruned = clients.prune(plan.dispatched());
        List<List<ClientWork>> perPartition = new ArrayList<>(byPartition.values());
        double[] estimate = new double[perPartition.size()];
        for (int i = 0; i < estimate.length; i++) {
            for (ClientWork w : perPartition.get(i)) {
                estimate[i] += (double) clients.sizeOf(w.clientId()) * w.workFraction();
            }
        }
        TaskGroups groups = TaskGroups.of(pruned.rdd(), estimate, 2 * jsc.defaultParallelism());
        List<List<ClientWork>> perTask = new ArrayList<>();
        for (int[] group : groups.groups()) {
            List<ClientWork> work = new ArrayList<>();
            for (int i : group) {
                work.addAll(perPartition.get(i));
            }
            perTask.add(work);
        }
        JavaRDD<ClientData> bundled = new JavaRDD<>(pruned.rdd().coalesce(perTask.size(), false,
                scala.Option.apply(groups), null), scala.reflect.ClassTag$.MODULE$.apply(ClientData.class));
        // task g iterates group g's partitions; slice g of the work holds their clients' work
        JavaRDD<List<ClientWork>> work = jsc.parallelize(perTask, perTask.size());
        Broadcast<RoundInput> input = jsc.broadcast(plan.input());
        jsc.setJobGroup(jobGroup, String.format("%s: round %d, %d of %d sampled clients", describe, plan.round(), plan.work().size(),
                plan.sampled().length), false);
        try {
            return Trained.of(bundled.zipPartitions(work, new Task(input, sample, runner)).collect());
        } finally {
            input.destroy(false);
        }
    }

    @Override
    public void close() {
        jsc.clearJobGroup();
        if (sample != null) {
            sample.destroy(false);
        }
    }

    /** One round's task: trains, one after another, the dispatched clients of its partition. */
    private static final class Task implements FlatMapFunction2<Iterator<ClientData>, Iterator<List<ClientWork>>, ClientOutcome> {
        private final Broadcast<RoundInput> input;
        private final Broadcast<ClientData> sample;
        private final ClientRunner runner;

        Task(Broadcast<RoundInput> input, Broadcast<ClientData> sample, ClientRunner runner) {
            this.input = input;
            this.sample = sample;
            this.runner = runner;
        }

        @Override
        public Iterator<ClientOutcome> call(Iterator<ClientData> partition, Iterator<List<ClientWork>> works) {
            Map<Integer, ClientWork> mine = new HashMap<>();
            works.forEachRemaining(list -> list.forEach(w -> mine.put(w.clientId(), w)));
            RoundInput in = input.value();
            ClientData globalSample = sample == null ? null : sample.value();
            List<ClientOutcome> out = new ArrayList<>(mine.size());
            while (partition.hasNext()) {
                ClientData client = partition.next();
                ClientWork work = mine.get(client.clientId());
                if (work != null) {
                    out.add(runner.run(client, work, in, globalSample));
                }
            }
            if (out.size() != mine.size()) {
                throw new IllegalStateException("a task was given " + mine.size() + " clients' work but found " + out.size() + " of them in its partition");
            }
            return out.iterator();
        }
    }
}
