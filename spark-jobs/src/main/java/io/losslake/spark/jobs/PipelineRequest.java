package io.losslake.spark.jobs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded pipeline as asked for ({@code losslake pipeline}): an IDX dataset dealt IID to
 * {@code clients} clients, {@code rounds} rounds of a strategy without options.
 */
public record PipelineRequest(Path data, int classes, int clients, int rounds, String model, int localEpochs, int batchSize, String optimizer,
                              double lr, double momentum, String trainer, String strategy, long seed) {

    /** Every option at its default. */
    public static PipelineRequest defaults() {
        return new PipelineRequest(Path.of("/usr/share/datasets/fashion-mnist"), 10, 10, 10, "mlp:200", 1, 32, "nesterov", 0.02, 0.9, "fused",
                "fedavg", 42);
    }

    /** The request as the runs table stores it: option names to values. */
    public Map<String, Object> toConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", data.toString());
        c.put("classes", classes);
        c.put("clients", clients);
        c.put("rounds", rounds);
        c.put("model", model);
        c.put("local-epochs", localEpochs);
        c.put("batch-size", batchSize);
        c.put("optimizer", optimizer);
        c.put("lr", lr);
        c.put("momentum", momentum);
        c.put("trainer", trainer);
        c.put("strategy", strategy);
        c.put("seed", seed);
        return c;
    }
}
