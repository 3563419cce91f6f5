package io.losslake.spark.cli;

import static org.apache.spark.sql.functions.col;

import io.losslake.data.IdxDirectory;
import io.losslake.data.partition.HeatMap;
import io.losslake.spark.runtime.LakeSession;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Tables;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code losslake partitions list|show}: look at the partition plans in the lake. */
@Command(name = "partitions", mixinStandardHelpOptions = true,
        description = "Lists the partition plans in the lake, or shows one plan's clients (and draws its client x label heat map).",
        subcommands = {PartitionsCommand.ListPlans.class, PartitionsCommand.Show.class})
public final class PartitionsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static List<Row> statsOf(Lake lake, String plan) {
        if (!lake.exists(Tables.PARTITION_STATS)) {
            throw new UserInputException("The lake " + lake.root() + " has no partition plans yet; run 'losslake prepare' first.");
        }
        List<Row> rows = lake.read(Tables.PARTITION_STATS).where(col("partition_id").equalTo(plan)).collectAsList();
        if (rows.isEmpty()) {
            throw new UserInputException("The lake " + lake.root() + " has no partition plan '" + plan + "'; 'losslake partitions list' shows those it has.");
        }
        return rows;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per partition plan in the lake.")
    static final class ListPlans implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (LakeSession session = sparkOptions.open("losslake partitions list")) {
                Lake lake = sparkOptions.lake(session);
                if (!lake.exists(Tables.PARTITION_STATS)) {
                    out.println("no partition plans in " + lake.root() + " yet; run 'losslake prepare'");
                    return 0;
                }
                List<Row> plans = lake.read(Tables.PARTITION_STATS).where(col("row_kind").equalTo("summary"))
                        .orderBy("partition_id").collectAsList();
                out.printf("%-48s %-16s %-13s %8s %10s %8s %9s%n", "partition_id", "dataset", "scheme", "clients", "examples", "mean_tv", "entropy");
                for (Row r : plans) {
                    out.printf("%-48s %-16s %-13s %8d %10d %8.3f %9.3f%n", r.getAs("partition_id"), r.getAs("dataset"), r.getAs("scheme"),
                            r.<Integer>getAs("clients"), r.<Long>getAs("examples"), orNaN(r, "tv_distance"), orNaN(r, "label_entropy"));
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Prints a plan's summary and per-client table; --png draws the client x label heat map.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PLAN", description = "The partition_id, as 'partitions list' shows it.")
        String plan;

        @Option(names = "--limit", defaultValue = "50", description = "Clients to print; 0 prints all. Default: ${DEFAULT-VALUE}.")
        int limit;

        @Option(names = "--png", paramLabel = "FILE", description = "Write the client x label heat map to this PNG file.")
        Path png;

        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() throws IOException {
            if (limit < 0) {
                throw new UserInputException("Invalid --limit " + limit + ": expected 0 (all) or a positive number of clients.");
            }
            if (png != null && png.getParent() != null && !Files.isDirectory(png.getParent())) {
                throw new UserInputException("--png " + png + ": the folder " + png.getParent() + " does not exist.");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (LakeSession session = sparkOptions.open("losslake partitions show")) {
                Lake lake = sparkOptions.lake(session);
                List<Row> rows = statsOf(lake, plan);
                Row summary = rows.stream().filter(r -> r.getAs("row_kind").equals("summary")).findFirst().orElseThrow();
                List<Row> clients = rows.stream().filter(r -> r.getAs("row_kind").equals("client"))
                        .sorted((a, b) -> Integer.compare(a.<Integer>getAs("client_id"), b.<Integer>getAs("client_id"))).toList();
                out.printf("plan %s of %s: scheme %s %s, seed %d%n", plan, summary.getAs("dataset"), summary.getAs("scheme"),
                        summary.getAs("params_json"), summary.<Long>getAs("seed"));
                out.printf("%d clients, %,d examples; sizes min %d / median %.0f / max %d; mean TV %.3f (max %.3f), mean entropy %.3f nats (global %.3f)%n",
                        summary.<Integer>getAs("clients"), summary.<Long>getAs("examples"), summary.<Integer>getAs("min_size"),
                        summary.<Double>getAs("median_size"), summary.<Integer>getAs("max_size"), orNaN(summary, "tv_distance"),
                        orNaN(summary, "max_tv_distance"), orNaN(summary, "label_entropy"), orNaN(summary, "global_entropy"));
                boolean shifted = clients.stream().anyMatch(r -> r.getAs("noise_std") != null);
                out.printf("%7s %8s %7s %6s %6s %8s  %s%s%n", "client", "examples", "labels", "tv", "emd", "entropy", "label_counts",
                        shifted ? "   noise  rotation  brightness" : "");
                int shown = limit == 0 ? clients.size() : Math.min(limit, clients.size());
                for (Row r : clients.subList(0, shown)) {
                    out.printf("%7d %8d %7d %6.3f %6.3f %8.3f  %s%s%n", r.<Integer>getAs("client_id"), r.<Long>getAs("examples"),
                            r.<Integer>getAs("labels_present"), orNaN(r, "tv_distance"), orNaN(r, "emd"), orNaN(r, "label_entropy"),
                            r.getList(r.fieldIndex("label_counts")),
                            shifted ? String.format("  %6.3f  %8.2f  %10.3f", r.<Double>getAs("noise_std"), r.<Double>getAs("rotation_degrees"),
                                    r.<Double>getAs("brightness")) : "");
                }
                if (shown < clients.size()) {
                    out.printf("... %d more clients (--limit 0 prints all)%n", clients.size() - shown);
                }
                if (png != null) {
                    long[][] counts = new long[clients.size()][];
                    for (int c = 0; c < counts.length; c++) {
                        counts[c] = clients.get(c).getList(clients.get(c).fieldIndex("label_counts")).stream()
                                .mapToLong(v -> ((Number) v).longValue()).toArray();
                    }
                    List<String> names = "fashion-mnist".equals(summary.getAs("dataset")) ? IdxDirectory.FASHION_MNIST_CLASSES : null;
                    try (OutputStream file = Files.newOutputStream(png)) {
                        HeatMap.writePng(counts, names, "partition plan " + plan, file);
                    }
                    out.println("heat map: " + png);
                }
                out.flush();
            }
            return 0;
        }
    }

    private static double orNaN(Row r, String column) {
        Object v = r.getAs(column);
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }
}
