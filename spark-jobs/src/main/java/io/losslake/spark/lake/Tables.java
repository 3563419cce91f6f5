package io.losslake.spark.lake;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The lake's tables and their columns: the contract with notebooks, Airflow and users. Every
 * column carries its description as a Delta column comment; the README documents the same columns
 * (a test keeps them in step). Changing a column here is a migration: say so in the README.
 */
public final class Tables {
    public static final String RUNS = "runs";
    public static final String ROUND_METRICS = "round_metrics";
    public static final String EXAMPLES = "examples";
    public static final String PARTITIONS = "partitions";
    public static final String PARTITION_STATS = "partition_stats";
    public static final String CLIENT_METRICS = "client_metrics";
    public static final String CLIENT_STATE = "client_state";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String SWEEP_POINTS = "sweep_points";
    public static final String SCALING_FITS = "scaling_fits";
    public static final String BARRIERS = "barriers";
    public static final String SYNTHETIC_EXAMPLES = "synthetic_examples";
    public static final String DISTILL_EVALS = "distill_evals";

    public static final StructType RUNS_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "unique id of the run, yyyyMMdd-HHmmss-<6 hex>"),
            col("command", DataTypes.StringType, "the losslake command that ran, e.g. pipeline"),
            col("status", DataTypes.StringType, "RUNNING, SUCCEEDED or FAILED"),
            col("seed", DataTypes.LongType, "the run seed every random choice derives from"),
            col("dataset", DataTypes.StringType, "where the data came from"),
            col("config_json", DataTypes.StringType, "every option of the run, as JSON"),
            col("started_at", DataTypes.TimestampType, "when the run started (UTC)"),
            col("finished_at", DataTypes.TimestampType, "when it ended; null while RUNNING"),
            col("wall_seconds", DataTypes.DoubleType, "wall time from start to end"),
            col("result_json", DataTypes.StringType, "final figures of the run, as JSON"),
            col("error", DataTypes.StringType, "the failure message of a FAILED run"),
            col("losslake_version", DataTypes.StringType, "version of losslake that ran it"),
            col("spark_version", DataTypes.StringType, "version of Spark that ran it"),
            col("spark_master", DataTypes.StringType, "the Spark master, e.g. local[*] or yarn"),
            col("spark_app_id", DataTypes.StringType, "the Spark application id, to find its logs"));

    public static final StructType ROUND_METRICS_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "the run, see runs.run_id"),
            col("round", DataTypes.IntegerType, "1-based communication round"),
            col("test_loss", DataTypes.DoubleType, "mean cross-entropy (nats) of the global model on the test split after the round; null when not evaluated this round"),
            col("test_accuracy", DataTypes.DoubleType, "accuracy of the global model on the test split after the round; null when not evaluated"),
            col("test_class_accuracy", DataTypes.createArrayType(DataTypes.DoubleType, true), "per class, the global model's test accuracy"),
            col("mean_client_train_loss", DataTypes.DoubleType, "mean local training loss of the aggregated clients, weighted by examples processed"),
            col("client_loss_p10", DataTypes.DoubleType, "10th percentile of the aggregated clients' training losses"),
            col("client_loss_p50", DataTypes.DoubleType, "median of the aggregated clients' training losses"),
            col("client_loss_p90", DataTypes.DoubleType, "90th percentile of the aggregated clients' training losses"),
            col("clients", DataTypes.IntegerType, "clients whose updates were aggregated this round"),
            col("clients_sampled", DataTypes.IntegerType, "clients sampled this round"),
            col("clients_dropped", DataTypes.IntegerType, "sampled clients that dropped out (simulated)"),
            col("clients_straggling", DataTypes.IntegerType, "sampled clients that straggled (did part of their work)"),
            col("clients_rejected", DataTypes.IntegerType, "updates refused for holding NaN or infinity"),
            col("examples_trained", DataTypes.LongType, "examples processed by local training this round (examples x local epochs, less for stragglers)"),
            col("train_flops", DataTypes.DoubleType, "cumulative training FLOPs of all clients up to and including this round, and of the server's fine-tuning on synthetic sets (federate --synthetic)"),
            col("wall_seconds", DataTypes.DoubleType, "wall time of the round on the driver, sampling to metrics (not the write of this row)"),
            col("client_compute_seconds", DataTypes.DoubleType, "sum over clients of their local training time"),
            col("training_seconds", DataTypes.DoubleType, "wall time of the round's Spark training job"),
            col("driver_seconds", DataTypes.DoubleType, "the rest of the round: state reads, aggregation, evaluation, bookkeeping"),
            col("decomp_local", DataTypes.DoubleType, "FedLD decomposition: sum_i p_i L_i(w_i), the clients' loss on their own data"),
            col("decomp_shift", DataTypes.DoubleType, "FedLD decomposition: sum_i p_i [L(w_i) - L_i(w_i)], the distribution-shift loss"),
            col("decomp_aggregation", DataTypes.DoubleType, "FedLD decomposition: L(w_bar) - sum_i p_i L(w_i), the aggregation loss"),
            col("decomp_global", DataTypes.DoubleType, "L(w_bar), the new global model's loss on the fixed training sample (= the three terms' sum)"),
            col("mean_personal_accuracy", DataTypes.DoubleType, "mean over aggregated clients of their personalised model's accuracy on their held-out slice"),
            col("mean_global_holdout_accuracy", DataTypes.DoubleType, "mean over aggregated clients of the round's global model's accuracy on their held-out slice"),
            col("uploaded_floats", DataTypes.LongType, "values the clients sent back this round: the weights and the strategy's extras (SCAFFOLD's Delta c_i) of every client that returned an update, and the synthetic sets that arrived"),
            col("downloaded_floats", DataTypes.LongType, "values the server sent this round: the global weights and its program's tensors (SCAFFOLD's c) to every sampled client"),
            col("synthetic_floats", DataTypes.LongType, "the part of uploaded_floats that was synthetic data (federate --synthetic): pixels and labels of the sets clients sent with their first accepted update"),
            col("recorded_at", DataTypes.TimestampType, "when the row was written (UTC)"));

    public static final StructType CLIENT_METRICS_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "the run"),
            col("round", DataTypes.IntegerType, "1-based communication round"),
            col("client_id", DataTypes.IntegerType, "the sampled client"),
            col("status", DataTypes.StringType, "ok, partial (straggler kept), dropped, straggler (dropped for straggling) or rejected (NaN/Inf update)"),
            col("examples", DataTypes.LongType, "training examples the client holds (after its held-out slice)"),
            col("steps", DataTypes.LongType, "local optimiser steps"),
            col("examples_processed", DataTypes.LongType, "examples fed through local training"),
            col("train_loss", DataTypes.DoubleType, "mean local training loss over its steps"),
            col("compute_seconds", DataTypes.DoubleType, "local training (and evaluation) time"),
            col("update_norm", DataTypes.DoubleType, "L2 norm of its update w_i - w"),
            col("local_loss", DataTypes.DoubleType, "L_i(w_i): its trained model's loss on its own training data (decomposition rounds)"),
            col("sample_loss", DataTypes.DoubleType, "L(w_i): its trained model's loss on the fixed global training sample (decomposition rounds)"),
            col("personal_accuracy", DataTypes.DoubleType, "its trained (personalised) model's accuracy on its held-out slice"),
            col("global_holdout_accuracy", DataTypes.DoubleType, "the round's global model's accuracy on its held-out slice"),
            col("recorded_at", DataTypes.TimestampType, "when the row was written (UTC)"));

    public static final StructType CLIENT_STATE_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "the run"),
            col("round", DataTypes.IntegerType, "the round after which the client held this state"),
            col("client_id", DataTypes.IntegerType, "the client"),
            col("tensors", DataTypes.createMapType(DataTypes.StringType, DataTypes.createArrayType(DataTypes.FloatType, false)),
                    "named tensors: scaffold.c_i (control variate), personal.<layer>_<param> (personal layers)"),
            col("recorded_at", DataTypes.TimestampType, "when the row was written (UTC)"));

    public static final StructType CHECKPOINTS_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "the run"),
            col("round", DataTypes.IntegerType, "the last round the checkpoint includes"),
            col("weights", DataTypes.createArrayType(DataTypes.FloatType, false), "the global weights after that round, flat"),
            col("state_tensors", DataTypes.createMapType(DataTypes.StringType, DataTypes.createArrayType(DataTypes.FloatType, false)),
                    "the strategy's server state tensors (momentum, Adam moments, SCAFFOLD's c)"),
            col("state_scalars", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), "the strategy's server state numbers"),
            col("recorded_at", DataTypes.TimestampType, "when the row was written (UTC)"));

    public static final StructType EXAMPLES_SCHEMA = schema(
            col("dataset", DataTypes.StringType, "dataset name given to prepare (the table is partitioned by it)"),
            col("split", DataTypes.StringType, "train or test"),
            col("example_id", DataTypes.LongType, "id of the example, unique within (dataset, split)"),
            col("label", DataTypes.IntegerType, "class index in [0, classes)"),
            col("features", DataTypes.createArrayType(DataTypes.FloatType, false), "the example's features, flattened row-major, normalised as configured"),
            col("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), "shape of the features before flattening, e.g. [28, 28]"),
            col("group_id", DataTypes.StringType, "value of the --group-column (e.g. writer id), null when none"),
            col("run_id", DataTypes.StringType, "the prepare run that wrote the row"));

    public static final StructType PARTITIONS_SCHEMA = schema(
            col("partition_id", DataTypes.StringType, "name of the partition plan (the table is partitioned by it)"),
            col("dataset", DataTypes.StringType, "the dataset whose train split the plan deals out"),
            col("client_id", DataTypes.IntegerType, "0-based simulated client"),
            col("example_id", DataTypes.LongType, "an example of the train split, see examples.example_id"),
            col("run_id", DataTypes.StringType, "the prepare run that wrote the row"));

    public static final StructType PARTITION_STATS_SCHEMA = schema(
            col("partition_id", DataTypes.StringType, "name of the partition plan (the table is partitioned by it)"),
            col("dataset", DataTypes.StringType, "the dataset dealt out"),
            col("row_kind", DataTypes.StringType, "client: one client's figures; summary: the plan's"),
            col("client_id", DataTypes.IntegerType, "the client; null on the summary row"),
            col("examples", DataTypes.LongType, "examples held by the client (summary: by all clients)"),
            col("label_counts", DataTypes.createArrayType(DataTypes.LongType, false), "examples per class (summary: global histogram)"),
            col("labels_present", DataTypes.IntegerType, "classes with at least one example"),
            col("tv_distance", DataTypes.DoubleType, "total-variation distance of the label distribution to the global one, in [0, 1]; summary: mean over non-empty clients"),
            col("emd", DataTypes.DoubleType, "earth mover's distance as Zhao et al. (2018): sum_k |p_k - q_k|, in [0, 2]; summary: mean"),
            col("label_entropy", DataTypes.DoubleType, "Shannon entropy of the label distribution, nats; summary: mean over non-empty clients"),
            col("group_value", DataTypes.StringType, "natural scheme: the group value this client stands for"),
            col("noise_std", DataTypes.DoubleType, "feature-shift scheme: std of the client's additive Gaussian noise"),
            col("rotation_degrees", DataTypes.DoubleType, "feature-shift scheme: counter-clockwise rotation of the client's images"),
            col("brightness", DataTypes.DoubleType, "feature-shift scheme: value added to the client's features"),
            col("shift_seed", DataTypes.LongType, "feature-shift scheme: seed of the client's per-example noise"),
            col("scheme", DataTypes.StringType, "partition scheme: iid, dirichlet, shards, quantity, feature-shift, natural"),
            col("params_json", DataTypes.StringType, "the scheme's parameters as JSON"),
            col("seed", DataTypes.LongType, "the seed of the plan"),
            col("clients", DataTypes.IntegerType, "summary: number of clients"),
            col("empty_clients", DataTypes.IntegerType, "summary: clients with no example"),
            col("min_size", DataTypes.IntegerType, "summary: smallest client"),
            col("median_size", DataTypes.DoubleType, "summary: median client size"),
            col("max_size", DataTypes.IntegerType, "summary: largest client"),
            col("mean_size", DataTypes.DoubleType, "summary: mean client size"),
            col("size_std", DataTypes.DoubleType, "summary: standard deviation of client sizes"),
            col("max_tv_distance", DataTypes.DoubleType, "summary: largest client TV distance"),
            col("global_entropy", DataTypes.DoubleType, "summary: entropy of the global label distribution, nats"),
            col("mean_labels_present", DataTypes.DoubleType, "summary: mean classes per non-empty client"),
            col("run_id", DataTypes.StringType, "the prepare run that wrote the row"));

    public static final StructType SWEEP_POINTS_SCHEMA = schema(
            col("sweep", DataTypes.StringType, "the sweep's name (from its config)"),
            col("run_key", DataTypes.StringType, "identifies one run of the grid: mode, model, data budget, dataset or plan, strategy, seed"),
            col("run_id", DataTypes.StringType, "the sweep invocation that trained it"),
            col("mode", DataTypes.StringType, "centralised or federated"),
            col("model", DataTypes.StringType, "model spelling, e.g. mlp:64"),
            col("params", DataTypes.LongType, "N: exact number of trainable parameters"),
            col("dataset", DataTypes.StringType, "the dataset trained on"),
            col("plan", DataTypes.StringType, "federated: the partition plan; null for centralised runs"),
            col("strategy", DataTypes.StringType, "federated: the strategy; null for centralised runs"),
            col("heterogeneity", DataTypes.StringType, "federated: the plan's scheme and parameters, e.g. dirichlet alpha=0.3"),
            col("seed", DataTypes.LongType, "the run's seed"),
            col("data_budget", DataTypes.LongType, "the run's budget of training examples seen"),
            col("step", DataTypes.IntegerType, "checkpoint index within the run, 1-based"),
            col("examples", DataTypes.LongType, "D: training examples seen up to this checkpoint"),
            col("flops", DataTypes.DoubleType, "C: training FLOPs up to this checkpoint (analytic, forward and backward)"),
            col("eval_set", DataTypes.StringType, "which loss: train (running mean of minibatch losses since the last checkpoint), test, or a shifted test set"),
            col("loss", DataTypes.DoubleType, "mean cross-entropy, nats"),
            col("accuracy", DataTypes.DoubleType, "accuracy on the eval set (null for train)"),
            col("recorded_at", DataTypes.TimestampType, "when the row was written (UTC)"),
            col("flop_budget", DataTypes.DoubleType, "isoflop design: the compute budget C the run belongs to (null in a grid)"),
            col("lr", DataTypes.DoubleType, "the run's peak learning rate (the sweep's lr under its lr-scaling rule)"),
            col("final", DataTypes.BooleanType, "true on the run's last checkpoint, the one its schedule ends at"));

    public static final StructType SCALING_FITS_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "the fit run"),
            col("source", DataTypes.StringType, "the table or path fitted, with its filter"),
            col("form", DataTypes.StringType, "power, power-no-e, chinchilla, kaplan, isoflop or loss-to-loss"),
            col("group_json", DataTypes.StringType, "the group's column values, as JSON"),
            col("points", DataTypes.IntegerType, "points fitted"),
            col("status", DataTypes.StringType, "ok or failed"),
            col("message", DataTypes.StringType, "why a group failed"),
            col("parameters", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), "fitted parameters and derived quantities"),
            col("ci_low", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), "lower bootstrap bound of each parameter"),
            col("ci_high", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), "upper bootstrap bound of each parameter"),
            col("ci_level", DataTypes.DoubleType, "confidence level of the intervals"),
            col("bootstrap", DataTypes.IntegerType, "bootstrap resamples (fitted ones for the intervals)"),
            col("objective", DataTypes.DoubleType, "summed Huber loss of log residuals at the fit"),
            col("converged", DataTypes.BooleanType, "whether L-BFGS met its tolerance"),
            col("extrapolation_cutoff", DataTypes.DoubleType, "points above this scale (C, or N x D) were held out of a refit"),
            col("extrapolation_mean_error", DataTypes.DoubleType, "mean absolute relative error of the refit on the held-out points"),
            col("extrapolation_max_error", DataTypes.DoubleType, "largest absolute relative error on the held-out points"),
            col("recorded_at", DataTypes.TimestampType, "when the row was written (UTC)"));

    public static final StructType BARRIERS_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "the run that measured the barrier: a federate run (every --barriers-every rounds) or a barrier run"),
            col("model_run_id", DataTypes.StringType, "the federate run whose models are compared"),
            col("round", DataTypes.IntegerType, "the round of model_run_id whose models are compared"),
            col("pair", DataTypes.StringType, "the two models, first,second: global, client:<id> or run:<run_id>"),
            col("eval_set", DataTypes.StringType, "where the losses are measured: test (the test split, or a seeded sample of it), client:<id> (its training examples)"),
            col("eval_examples", DataTypes.IntegerType, "examples evaluated"),
            col("kind", DataTypes.StringType, "full (whole model interpolated), layer (one layer block) or cumulative (the first blocks of an order)"),
            col("variant", DataTypes.StringType, "full; into_first / into_second (the other layers from the first or second model); shallow, deep or random (cumulative order)"),
            col("layer", DataTypes.IntegerType, "the layer block (0 = shallowest) interpolated, or added at this cumulative step; null for full"),
            col("layer_name", DataTypes.StringType, "the block, e.g. dense 784x200 or conv 1x6 5x5; null for full"),
            col("blocks", DataTypes.IntegerType, "layer blocks interpolated"),
            col("alphas", DataTypes.createArrayType(DataTypes.DoubleType, true), "the interior alphas evaluated; the model at alpha is alpha w1 + (1 - alpha) w2 on the interpolated blocks"),
            col("loss_barrier", DataTypes.DoubleType, "max over alphas of L(path(alpha)) - [alpha L(w1) + (1 - alpha) L(w2)], cross-entropy in nats"),
            col("loss_alpha", DataTypes.DoubleType, "the alpha where the loss barrier is largest"),
            col("error_barrier", DataTypes.DoubleType, "the same for the error, 100 - accuracy in %, in percentage points"),
            col("error_alpha", DataTypes.DoubleType, "the alpha where the error barrier is largest"),
            col("path_loss", DataTypes.createArrayType(DataTypes.DoubleType, true), "the path's loss at each alpha"),
            col("path_error", DataTypes.createArrayType(DataTypes.DoubleType, true), "the path's error (%) at each alpha"),
            col("loss_first", DataTypes.DoubleType, "L(w1), the first model's loss"),
            col("loss_second", DataTypes.DoubleType, "L(w2), the second model's loss"),
            col("error_first", DataTypes.DoubleType, "the first model's error (%)"),
            col("error_second", DataTypes.DoubleType, "the second model's error (%)"),
            col("recorded_at", DataTypes.TimestampType, "when the row was written (UTC)"));

    public static final StructType SYNTHETIC_EXAMPLES_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "the distill run that made the example"),
            col("partition_id", DataTypes.StringType, "the partition plan whose client it condenses"),
            col("client_id", DataTypes.IntegerType, "the client whose data it condenses"),
            col("method", DataTypes.StringType, "dm (distribution matching) or random (random real examples, the baseline)"),
            col("label", DataTypes.IntegerType, "its class"),
            col("position", DataTypes.IntegerType, "0-based index among the client's examples of its class"),
            col("features", DataTypes.createArrayType(DataTypes.FloatType, false), "the image, row-major, in the units of the examples table (distilled pixels may leave their range)"),
            col("recorded_at", DataTypes.TimestampType, "when the row was written (UTC)"));

    public static final StructType DISTILL_EVALS_SCHEMA = schema(
            col("run_id", DataTypes.StringType, "the distill run"),
            col("partition_id", DataTypes.StringType, "its partition plan"),
            col("method", DataTypes.StringType, "how the training set was made: dm, or random (random real examples of the same per-class budget)"),
            col("clients", DataTypes.IntegerType, "clients whose sets were joined into the training set (the one-shot server's union)"),
            col("train_examples", DataTypes.IntegerType, "examples in the training set"),
            col("transmitted_floats", DataTypes.LongType, "values the clients upload to send it: examples x (features + 1 label)"),
            col("eval_model", DataTypes.StringType, "the network trained from scratch on it, e.g. cnn:32,64/128"),
            col("eval_seed", DataTypes.IntegerType, "which initialisation and batch order (0, 1, ...)"),
            col("eval_epochs", DataTypes.IntegerType, "epochs of training on the set"),
            col("test_accuracy", DataTypes.DoubleType, "its accuracy on the test split"),
            col("test_loss", DataTypes.DoubleType, "its mean cross-entropy (nats) on the test split"),
            col("recorded_at", DataTypes.TimestampType, "when the row was written (UTC)"));

    private Tables() {
    }

    /** The schema of a table by name. */
    public static StructType schemaOf(String table) {
        return switch (table) {
            case RUNS -> RUNS_SCHEMA;
            case ROUND_METRICS -> ROUND_METRICS_SCHEMA;
            case EXAMPLES -> EXAMPLES_SCHEMA;
            case PARTITIONS -> PARTITIONS_SCHEMA;
            case PARTITION_STATS -> PARTITION_STATS_SCHEMA;
            case CLIENT_METRICS -> CLIENT_METRICS_SCHEMA;
            case CLIENT_STATE -> CLIENT_STATE_SCHEMA;
            case CHECKPOINTS -> CHECKPOINTS_SCHEMA;
            case SWEEP_POINTS -> SWEEP_POINTS_SCHEMA;
            case SCALING_FITS -> SCALING_FITS_SCHEMA;
            case BARRIERS -> BARRIERS_SCHEMA;
            case SYNTHETIC_EXAMPLES -> SYNTHETIC_EXAMPLES_SCHEMA;
            case DISTILL_EVALS -> DISTILL_EVALS_SCHEMA;
            default -> throw new IllegalArgumentException("no table " + table);
        };
    }

    public static List<String> names() {
        return List.of(RUNS, ROUND_METRICS, CLIENT_METRICS, CLIENT_STATE, CHECKPOINTS, EXAMPLES, PARTITIONS, PARTITION_STATS,
                SWEEP_POINTS, SCALING_FITS, BARRIERS, SYNTHETIC_EXAMPLES, DISTILL_EVALS);
    }

    private static StructField col(String name, DataType type, String comment) {
        return DataTypes.createStructField(name, type, true).withComment(comment);
    }

    private static StructType schema(StructField... fields) {
        return DataTypes.createStructType(fields);
    }
}
