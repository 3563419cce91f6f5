package io.losslake.spark.cli;

import io.losslake.data.DatasetException;
import io.losslake.data.IdxDirectory;
import io.losslake.data.Seeds;
import io.losslake.data.TrainTest;
import io.losslake.data.partition.IidPartitioner;
import io.losslake.data.partition.Partition;
import io.losslake.data.partition.PartitionInput;
import io.losslake.federated.LocalTraining;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.spark.LakeSession;
import io.losslake.spark.Version;
import io.losslake.data.ImageSubset;
import io.losslake.data.LabeledImages;
import io.losslake.federated.LayerPolicy;
import io.losslake.federated.strategy.Strategies;
import io.losslake.spark.federated.ClientShard;
import io.losslake.spark.federated.ClientSource;
import io.losslake.spark.federated.FederatedEngine;
import io.losslake.spark.federated.RoundMetrics;
import io.losslake.spark.federated.RunSettings;
import io.losslake.spark.federated.Streams;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.RunLog;
import io.losslake.spark.lake.Tables;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake pipeline}: Fashion-MNIST, dealt IID to clients, FedAvg rounds, metrics into the lake. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Reads an IDX image dataset (Fashion-MNIST by default), deals its training split IID to simulated clients,",
            "runs federated rounds (one Spark task per client, DL4J local training, aggregation on the driver),",
            "evaluates the global model on the test split each round and appends runs and round_metrics to the lake."},
        footer = {"", "Every option can also be set in a YAML file given with --config (key = option name without",
            "the dashes); options on the command line win. Exit status: 0 done, 1 the run failed, 2 bad input."})
public final class PipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values, e.g. conf/pipeline.yaml.")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Folder with the IDX files (train-/t10k- images and labels, gzip or raw). Default: ${DEFAULT-VALUE}.")
    Path data;

    @Option(names = "--classes", defaultValue = "10", description = "Number of classes of the dataset. Default: ${DEFAULT-VALUE}.")
    int classes;

    @Option(names = "--clients", defaultValue = "10", description = "Simulated clients the training split is dealt to. Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--rounds", defaultValue = "10", description = "Communication rounds. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--model", defaultValue = "mlp:200", description = "Model: mlp:<width>[,<width>...]. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs per round. Default: ${DEFAULT-VALUE}.")
    int localEpochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Local minibatch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "nesterov", description = "Local optimiser: sgd, nesterov, momentum (heavy-ball, as PyTorch's SGD; fused trainer) or adam. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.02", description = "Local learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum of the nesterov and momentum optimisers. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--trainer", defaultValue = "fused", description = "fused (MLPs and the CNN on Java arrays and OpenBLAS) or dl4j. Default: ${DEFAULT-VALUE}.")
    String trainer;

    @Option(names = "--strategy", defaultValue = "fedavg", description = "Aggregation strategy. Default: ${DEFAULT-VALUE}.")
    String strategy;

    @Option(names = "--seed", defaultValue = "42", description = "Run seed: partition, initial weights and batch order derive from it. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Instant startedAt = Instant.now();

        // 1. Everything a user can get wrong is checked before Spark starts or any table is touched.
        RunSettings settings;
        ModelSpec modelSpec;
        TrainTest dataset;
        Partition partition;
        String runId = RunLog.newRunId(startedAt);
        try {
            if (clients < 1) {
                throw new IllegalArgumentException("Invalid --clients " + clients + ": expected at least 1 client.");
            }
            LocalTraining local = new LocalTraining(localEpochs, 0, batchSize, new OptimizerSpec(optimizer, learningRate, momentum), trainer);
            settings = new RunSettings(rounds, clients, local, strategy, Map.of(), LayerPolicy.SHARE_ALL, 0, 0, false, 0, 1, 0, 1, seed);
            Strategies.validate(strategy, Map.of());
            ModelSpec.parse(model, 1, 2);
            if (classes < 2 || classes > 256) {
                throw new IllegalArgumentException("Invalid --classes " + classes + ": expected between 2 and 256.");
            }
            dataset = IdxDirectory.load(data, classes);
            modelSpec = ModelSpec.parse(model, dataset.train().featureSize(), classes);
            partition = new IidPartitioner(clients)
                    .partition(new PartitionInput(dataset.train().labelArray(), classes), Seeds.derive(seed, Streams.PARTITION));
        } catch (IllegalArgumentException | DatasetException e) {
            throw new UserInputException(e.getMessage(), e);
        }

        out.printf("losslake pipeline: run %s, %s, %d clients (iid), %d rounds, %s, %s, data %s (%d train / %d test)%n",
                runId, strategy, clients, rounds, modelSpec.describe(), settings.local().optimizer(),
                data, dataset.train().count(), dataset.test().count());
        out.flush();

        // 2. Spark and the lake.
        try (LakeSession session = LakeSession.open("losslake pipeline " + runId, sparkOptions)) {
            Lake lake = new Lake(session.spark(), session.qualifyLake(sparkOptions.lake()));
            RunLog runs = new RunLog(lake);
            runs.start(new RunLog.Start(runId, "pipeline", seed, data.toString(), configJson(), startedAt), Version.current());
            RoundProgress progress = new RoundProgress(out, rounds);
            List<RoundMetrics> history = new ArrayList<>();
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session.spark().sparkContext());
            Broadcast<LabeledImages> images = jsc.broadcast(dataset.train());
            ClientSource source = ClientShard.source(jsc, images, partition);
            try {
                FederatedEngine.run(lake, new FederatedEngine.Setup(runId, settings, modelSpec, source,
                        new ImageSubset(-1, dataset.test(), range(dataset.test().count())), null), null, (metrics, weights) -> {
                            history.add(metrics);
                            progress.round(metrics);
                        });
            } catch (RuntimeException e) {
                runs.finish(runId, RunLog.FAILED, Instant.now(), seconds(startedAt), null, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                source.release();
                images.destroy(false);
            }
            RoundMetrics last = history.get(history.size() - 1);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("rounds", history.size());
            result.put("final_test_accuracy", last.testAccuracy());
            result.put("final_test_loss", last.testLoss());
            result.put("best_test_accuracy", history.stream().mapToDouble(RoundMetrics::testAccuracy).max().orElse(Double.NaN));
            result.put("train_flops", last.trainFlops());
            double wall = seconds(startedAt);
            runs.finish(runId, RunLog.SUCCEEDED, Instant.now(), wall, Json.of(result), null);
            progress.summary(runId, history, wall, lake.path(Tables.RUNS), lake.path(Tables.ROUND_METRICS));
        }
        return 0;
    }

    static int[] range(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    private static double seconds(Instant since) {
        return (Instant.now().toEpochMilli() - since.toEpochMilli()) / 1000.0;
    }

    private String configJson() {
        return Json.options(spec);
    }

}
