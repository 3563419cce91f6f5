package io.losslake.spark.federated;

import io.losslake.data.ClientData;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.simulation.BlockSums;
import io.losslake.federated.simulation.ClientExecutor;
import io.losslake.federated.simulation.ClientOutcome;
import io.losslake.federated.simulation.ClientRunner;
import io.losslake.federated.simulation.ClientWork;
import io.losslake.federated.simulation.RoundInput;
import io.losslake.federated.simulation.RoundPlan;
import io.losslake.federated.strategy.SumTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.broadcast.Broadcast;

/**
 * Trains a round's clients as Spark tasks where they are cached: only the partitions holding
 * dispatched clients are read, bundled into one to two tasks per task slot by {@link TaskGroups},
 * each task zipped with the work of its own clients (their work fraction and stored state), so
 * client state travels with its client's task and never to the others. What every client shares
 * (the global weights and the strategy's client program) is broadcast once per round.
 *
 * <p>When the strategy needs the clients' models only through a sum (the FedAvg family, the
 * adaptive server optimisers: {@link RoundInput#summand()}), each task adds up its blocks of
 * clients and sends those sums and its clients' figures instead of their models: a handful of
 * vectors per round reach the driver instead of one per client. The sums are nodes of the round's
 * {@link SumTree}, so the round's total is the same double as the thread-pool executor's.
 * Each round is one Spark job in the run's job group.
 */
public final class SparkExecutor implements ClientExecutor {
    /**
     * A task should carry at least this much local work (examples fed through training; ~50 ms for
     * the MLPs here), so that its ~10 ms of overhead stays small: a round of little work runs one
     * task per slot, a round of much work two per slot, which lets the scheduler even out the rest.
     */
    static final double MIN_EXAMPLES_PER_TASK = 2000;

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

    /** Consecutive dispatched clients [lo, hi) of a round and their work, in the plan's order. */
    record Block(int lo, int hi, List<ClientWork> work) implements java.io.Serializable {
    }

    /** What a task sends back: its clients' outcomes (without weights when summed) and its blocks' sums. */
    record TaskResult(List<ClientOutcome> outcomes, List<BlockSum> sums) implements java.io.Serializable {
    }

    @Override
    public Trained train(RoundPlan plan) {
        List<ClientWork> work = plan.work();
        int[] dispatched = plan.dispatched();
        // partition i of the pruned RDD is the i-th (ascending) partition holding dispatched clients
        JavaRDD<ClientData> pruned = clients.prune(dispatched);
        TreeSet<Integer> held = new TreeSet<>();
        for (int c : dispatched) {
            held.add(clients.partitionOf(c));
        }
        Map<Integer, Integer> prunedIndex = new HashMap<>();
        for (int p : held) {
            prunedIndex.put(p, prunedIndex.size());
        }
        double total = 0;
        double[] estimate = new double[work.size()];
        for (int i = 0; i < estimate.length; i++) {
            estimate[i] = examplesProcessed(clients.sizeOf(work.get(i).clientId()), work.get(i).workFraction());
            total += estimate[i];
        }
        int slots = jsc.defaultParallelism();
        int tasks = (int) Math.max(slots, Math.min(2L * slots, Math.round(total / MIN_EXAMPLES_PER_TASK)));
        // at least two blocks per task, so that balancing has something to move
        int[][] bounds = SumTree.blocks(work.size(), Integer.highestOneBit(Math.max(1, work.size() / (2 * tasks))));
        int[][] partitionsOfBlock = new int[bounds.length][];
        double[] blockWork = new double[bounds.length];
        for (int b = 0; b < bounds.length; b++) {
            TreeSet<Integer> parts = new TreeSet<>();
            for (int i = bounds[b][0]; i < bounds[b][1]; i++) {
                parts.add(prunedIndex.get(clients.partitionOf(work.get(i).clientId())));
                blockWork[b] += estimate[i];
            }
            partitionsOfBlock[b] = parts.stream().mapToInt(Integer::intValue).toArray();
        }
        TaskGroups groups = TaskGroups.of(pruned.rdd(), partitionsOfBlock, blockWork, tasks);
        List<List<Block>> perTask = new ArrayList<>();
        for (int[] group : groups.blocks()) {
            List<Block> blocks = new ArrayList<>();
            for (int b : group) {
                blocks.add(new Block(bounds[b][0], bounds[b][1], new ArrayList<>(work.subList(bounds[b][0], bounds[b][1]))));
            }
            perTask.add(blocks);
        }
        JavaRDD<ClientData> bundled = new JavaRDD<>(pruned.rdd().coalesce(perTask.size(), false, scala.Option.apply(groups), null),
                scala.reflect.ClassTag$.MODULE$.apply(ClientData.class));
        // task g reads group g's partitions; slice g holds its blocks
        JavaRDD<List<Block>> taskWork = jsc.parallelize(perTask, perTask.size());
        Broadcast<RoundInput> input = jsc.broadcast(plan.input());
        String command = jsc.getLocalProperty(io.losslake.spark.runtime.LakeSession.COMMAND_PROPERTY);
        jsc.setJobGroup(jobGroup, String.format("%s%s: round %d, %d of %d sampled clients in %d tasks", command == null ? "" : command + " ", describe,
                plan.round(), work.size(),
                plan.sampled().length, perTask.size()), false);
        try {
            List<ClientOutcome> outcomes = new ArrayList<>();
            List<BlockSum> sums = new ArrayList<>();
            for (TaskResult r : bundled.zipPartitions(taskWork, new Task(input, sample, runner)).collect()) {
                outcomes.addAll(r.outcomes());
                sums.addAll(r.sums());
            }
            return plan.input().summand() == null ? Trained.of(outcomes) : Trained.summed(outcomes, sums);
        } finally {
            input.destroy(false);
        }
    }

    /** Examples a client of {@code size} feeds through local training for {@code fraction} of its work. */
    private double examplesProcessed(int size, double fraction) {
        LocalTraining local = runner.local();
        double planned = local.steps() > 0 ? (double) local.steps() * Math.min(local.batchSize(), size) : (double) size * local.epochs();
        return planned * fraction;
    }

    @Override
    public void close() {
        jsc.clearJobGroup();
        // the command's own description again for the jobs after the rounds
        jsc.setJobDescription(jsc.getLocalProperty(io.losslake.spark.runtime.LakeSession.COMMAND_PROPERTY));
        if (sample != null) {
            sample.destroy(false);
        }
    }

    /** One round's task: trains its blocks' clients (found in its partitions), then sums each block when the round asks. */
    private static final class Task implements FlatMapFunction2<Iterator<ClientData>, Iterator<List<Block>>, TaskResult> {
        private final Broadcast<RoundInput> input;
        private final Broadcast<ClientData> sample;
        private final ClientRunner runner;

        Task(Broadcast<RoundInput> input, Broadcast<ClientData> sample, ClientRunner runner) {
            this.input = input;
            this.sample = sample;
            this.runner = runner;
        }

        @Override
        public Iterator<TaskResult> call(Iterator<ClientData> partition, Iterator<List<Block>> works) {
            List<Block> blocks = new ArrayList<>();
            works.forEachRemaining(blocks::addAll);
            Map<Integer, ClientWork> mine = new HashMap<>();
            blocks.forEach(b -> b.work().forEach(w -> mine.put(w.clientId(), w)));
            RoundInput in = input.value();
            io.losslake.spark.runtime.Faults.maybeFail("client", (long) in.round() << 20 | org.apache.spark.TaskContext.getPartitionId());
            TaskGpu.select(); // a GPU executor's task trains on the GPU Spark gave it (DL4J trainer; the fused one stays on the CPU)
            ClientData globalSample = sample == null ? null : sample.value();
            Map<Integer, ClientOutcome> outcomes = new TreeMap<>();
            while (partition.hasNext()) {
                ClientData client = partition.next();
                ClientWork work = mine.get(client.clientId());
                if (work != null && !outcomes.containsKey(client.clientId())) {
                    outcomes.put(client.clientId(), runner.run(client, work, in, globalSample));
                }
            }
            if (outcomes.size() != mine.size()) {
                throw new IllegalStateException("a task was given " + mine.size() + " clients' work but found " + outcomes.size() + " of them in its partitions");
            }
            if (in.summand() == null) {
                return List.of(new TaskResult(new ArrayList<>(outcomes.values()), List.of())).iterator();
            }
            List<BlockSum> sums = new ArrayList<>();
            for (Block b : blocks) {
                sums.add(BlockSums.of(b.work(), b.lo(), b.hi(), outcomes, in.summand(), in.global()));
            }
            // the clients whose models barriers compare keep their weights; the others' are in the sums
            List<ClientOutcome> figures = outcomes.values().stream().map(o -> in.keeps(o.update().clientId()) ? o : o.withoutWeights()).toList();
            return List.of(new TaskResult(new ArrayList<>(figures), sums)).iterator();
        }
    }
}
