package io.losslake.spark.jobs;

import io.losslake.data.DatasetException;
import io.losslake.data.IdxDirectory;
import io.losslake.data.ImageSubset;
import io.losslake.data.LabeledImages;
import io.losslake.data.Seeds;
import io.losslake.data.TrainTest;
import io.losslake.data.partition.IidPartitioner;
import io.losslake.data.partition.Partition;
import io.losslake.data.partition.PartitionInput;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.Streams;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.simulation.RoundMetrics;
import io.losslake.federated.simulation.RunSettings;
import io.losslake.federated.simulation.Simulation;
import io.losslake.spark.federated.ClientShard;
import io.losslake.spark.federated.ClientSource;
import io.losslake.spark.federated.LakeSink;
import io.losslake.spark.federated.SparkExecutor;
import io.losslake.spark.lake.Json;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.runtime.Version;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The pipeline slice end to end: an IDX dataset read on the driver, its training split dealt IID
 * to clients (one Spark partition each, examples broadcast), FedAvg-family rounds through the same
 * round loop as {@code federate}, metrics into {@code runs} and {@code round_metrics}.
 */
public final class PipelineJob {
    private PipelineJob() {
    }

    /** A pipeline whose data is read and dealt, checked before Spark starts. */
    public record Loaded(PipelineRequest request, String runId, Instant startedAt, RunSettings settings, ModelSpec model, TrainTest dataset,
                         Partition partition) {
    }

    /**
     * Reads and deals the data and checks every option, without Spark.
     *
     * @throws UserInputException one sentence naming the bad option or input
     */
    public static Loaded load(PipelineRequest request) {
        Instant startedAt = Instant.now();
        try {
            if (request.clients() < 1) {
                throw new IllegalArgumentException("Invalid --clients " + request.clients() + ": expected at least 1 client.");
            }
            LocalTraining local = new LocalTraining(request.localEpochs(), 0, request.batchSize(),
                    new OptimizerSpec(request.optimizer(), request.lr(), request.momentum()), request.trainer());
            RunSettings settings = RunSettings.plain(request.rounds(), request.clients(), local, request.strategy(), Map.of(), request.seed());
            io.losslake.federated.strategy.Strategies.validate(request.strategy(), Map.of());
            ModelSpec.parse(request.model(), 1, 2);
            if (request.classes() < 2 || request.classes() > 256) {
                throw new IllegalArgumentException("Invalid --classes " + request.classes() + ": expected between 2 and 256.");
            }
            TrainTest dataset = IdxDirectory.load(request.data(), request.classes());
            ModelSpec model = ModelSpec.parse(request.model(), dataset.train().featureSize(), request.classes());
            Partition partition = new IidPartitioner(request.clients())
                    .partition(new PartitionInput(dataset.train().labelArray(), request.classes()), Seeds.derive(request.seed(), Streams.PARTITION));
            return new Loaded(request, RunLog.newRunId(startedAt), startedAt, settings, model, dataset, partition);
        } catch (IllegalArgumentException | DatasetException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }

    public static List<RoundMetrics> run(Lake lake, Loaded p, PrintWriter out) {
        PipelineRequest r = p.request();
        out.printf("losslake pipeline: run %s, %s, %d clients (iid), %d rounds, %s, %s, data %s (%d train / %d test)%n",
                p.runId(), r.strategy(), r.clients(), r.rounds(), p.model().describe(), p.settings().local().optimizer(),
                r.data(), p.dataset().train().count(), p.dataset().test().count());
        out.flush();
        RunLog.Start start = new RunLog.Start(p.runId(), "pipeline", r.seed(), r.data().toString(), Json.of(r.toConfig()), p.startedAt());
        RoundProgress progress = new RoundProgress(out, r.rounds());
        List<RoundMetrics> history = new ArrayList<>();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
        new RunLog(lake).record(start, false, Version.current(), () -> {
            Broadcast<LabeledImages> images = jsc.broadcast(p.dataset().train());
            ClientSource source = ClientShard.source(jsc, images, p.partition());
            LabeledImages testImages = p.dataset().test();
            Simulation simulation = new Simulation(new Simulation.Setup(p.runId(), p.settings(), p.model(), source.available(),
                    new ImageSubset(-1, testImages, range(testImages.count())), null));
            try (SparkExecutor executor = new SparkExecutor(jsc, source, simulation.clientRunner(), null, p.runId(), r.strategy() + ", " + r.rounds() + " rounds");
                 LakeSink sink = new LakeSink(lake, p.runId(), true, simulation.keepsClientState(), LakeSink.COMMIT_EVERY_SECONDS)) {
                simulation.run(executor, sink, null, (metrics, weights) -> {
                    history.add(metrics);
                    progress.round(metrics);
                });
            } finally {
                source.release();
                images.destroy(false);
            }
            return history;
        }, rounds -> RunLog.Ending.succeeded(figures(rounds)));
        progress.summary(p.runId(), history, RunLog.secondsSince(p.startedAt()), lake.path(Tables.RUNS), lake.path(Tables.ROUND_METRICS));
        return history;
    }

    private static Map<String, Object> figures(List<RoundMetrics> history) {
        RoundMetrics last = history.get(history.size() - 1);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rounds", history.size());
        result.put("final_test_accuracy", last.testAccuracy());
        result.put("final_test_loss", last.testLoss());
        result.put("best_test_accuracy", history.stream().mapToDouble(RoundMetrics::testAccuracy).max().orElse(Double.NaN));
        result.put("train_flops", last.trainFlops());
        return result;
    }

    static int[] range(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }
}
