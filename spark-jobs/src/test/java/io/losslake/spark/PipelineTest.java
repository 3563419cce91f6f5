package io.losslake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import io.losslake.federated.model.ModelSpec;
import io.losslake.scaling.Flops;
import io.losslake.spark.lake.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline slice end to end in local[2]: IDX files in, Delta rows out. */
class PipelineTest {
    static final int TRAIN = 400;
    static SparkSession spark;

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void start() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", TRAIN, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 120, 6, 4, 2), false);
        spark = TestSpark.builder().getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static String[] args(Path lake, String... extra) {
        List<String> all = new java.util.ArrayList<>(List.of("pipeline", "--data", data.toString(), "--classes", "4",
                "--clients", "3", "--rounds", "3", "--model", "mlp:16", "--batch-size", "16", "--lr", "0.05",
                "--seed", "7", "--lake", lake.toString()));
        all.addAll(Arrays.asList(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void twoRunsWithOneSeedGiveIdenticalRoundMetricsAndAppendUnderTheirOwnRunIds() {
        Path lake = dir.resolve("lake-twice");
        Cli first = Cli.run(args(lake));
        Cli second = Cli.run(args(lake));
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(second.status()).as(second.err()).isZero();
        assertThat(first.out()).contains("round 1/3", "round 3/3", "ETA", "SUCCEEDED", "final test accuracy");

        List<Row> runs = spark.read().format("delta").load(lake.resolve("runs").toString()).orderBy("started_at").collectAsList();
        assertThat(runs).hasSize(2);
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.<String>getAs("status")).isEqualTo("SUCCEEDED");
            assertThat(r.<String>getAs("command")).isEqualTo("pipeline");
            assertThat(r.<Long>getAs("seed")).isEqualTo(7L);
            assertThat(r.<String>getAs("config_json")).contains("\"clients\":3", "\"model\":\"mlp:16\"");
            assertThat(r.<String>getAs("result_json")).contains("final_test_accuracy");
            assertThat((Object) r.getAs("finished_at")).isNotNull();
            assertThat(r.<Double>getAs("wall_seconds")).isPositive();
            assertThat(r.<String>getAs("spark_master")).isEqualTo("local[2]");
        });
        String runA = runs.get(0).getAs("run_id");
        String runB = runs.get(1).getAs("run_id");
        assertThat(runA).isNotEqualTo(runB);
        assertThat(first.out()).contains(runA);

        List<Row> metrics = spark.read().format("delta").load(lake.resolve("round_metrics").toString())
                .orderBy("run_id", "round").collectAsList();
        assertThat(metrics).hasSize(6);
        List<String> a = numbers(metrics, runA);
        List<String> b = numbers(metrics, runB);
        assertThat(a).hasSize(3).isEqualTo(b);

        double flopsPerExample = Flops.denseTrainingPerExample(ModelSpec.parse("mlp:16", 36, 4).denseLayers());
        for (Row r : metrics) {
            int round = r.getAs("round");
            assertThat(r.<Integer>getAs("clients")).isEqualTo(3);
            assertThat(r.<Long>getAs("examples_trained")).isEqualTo(TRAIN);
            assertThat(r.<Double>getAs("train_flops")).isEqualTo(round * TRAIN * flopsPerExample);
            assertThat(r.<Double>getAs("client_compute_seconds")).isPositive();
        }
        Row lastRound = metrics.get(2);
        assertThat(lastRound.<Double>getAs("test_accuracy")).isGreaterThan(0.9);
        assertThat(lastRound.<Double>getAs("test_loss")).isLessThan(metrics.get(0).<Double>getAs("test_loss"));
    }

    private static List<String> numbers(List<Row> metrics, String runId) {
        return metrics.stream()
                .filter(r -> r.getAs("run_id").equals(runId))
                .map(r -> r.getAs("round") + ":" + r.getAs("test_loss") + ":" + r.getAs("test_accuracy") + ":"
                        + r.getAs("mean_client_train_loss"))
                .collect(Collectors.toList());
    }

    @Test
    void badInputEndsWithOneSentenceAndStatus2AndTouchesNoTable() throws IOException {
        Path lake = dir.resolve("lake-bad");
        assertThat(Cli.run(args(lake, "--rounds", "1")).status()).isZero();
        long runsVersion = version(lake, "runs");
        long metricsVersion = version(lake, "round_metrics");
        Path fresh = dir.resolve("lake-never-created");

        Path badMagic = Files.createDirectories(dir.resolve("bad-magic"));
        copyData(badMagic);
        Files.write(badMagic.resolve("train-labels-idx1-ubyte.gz"), new byte[] {0, 0, 8, 3, 0, 0, 0, 0});
        Path truncated = Files.createDirectories(dir.resolve("truncated"));
        copyData(truncated);
        byte[] gz = Files.readAllBytes(data.resolve("train-images-idx3-ubyte.gz"));
        Files.write(truncated.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length - 40));

        String[][] cases = {
            {"--data", dir.resolve("no-such-folder").toString()},
            {"--data", badMagic.toString()},
            {"--data", truncated.toString()},
            {"--clients", "0"},
            {"--rounds", "-1"},
            {"--clients", "401"},
            {"--model", "transformer"},
            {"--lr", "-0.1"},
            {"--clients", "ten"},
        };
        String[] expected = {"no-such-folder", "magic number", "truncated", "--clients 0", "--rounds -1",
            "Cannot deal 400 examples to 401 clients", "--model 'transformer'", "--lr -0.1", "'ten'"};
        for (int i = 0; i < cases.length; i++) {
            for (Path target : List.of(lake, fresh)) {
                Cli bad = Cli.run(args(target, cases[i]));
                assertThat(bad.status()).as(Arrays.toString(cases[i])).isEqualTo(2);
                assertThat(bad.err().strip().lines().count()).as(bad.err()).isEqualTo(1);
                assertThat(bad.err()).startsWith("losslake: ").contains(expected[i]);
            }
        }
        assertThat(fresh).doesNotExist();
        assertThat(version(lake, "runs")).isEqualTo(runsVersion);
        assertThat(version(lake, "round_metrics")).isEqualTo(metricsVersion);
    }

    private static void copyData(Path target) throws IOException {
        try (var files = Files.list(data)) {
            for (Path f : files.collect(Collectors.toList())) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
    }

    private static long version(Path lake, String table) {
        return DeltaTable.forPath(spark, lake.resolve(table).toString()).history(1).first().<Long>getAs("version");
    }

    @Test
    void aConfigFileSetsOptionsAndFlagsOverrideIt() throws IOException {
        Path lake = dir.resolve("lake-config");
        Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, "# two rounds from the file, one from the flag\nrounds: 2\nclients: 2\nmodel: mlp:8\nlr: 0.05\n");
        Cli run = Cli.run("pipeline", "--config", config.toString(), "--data", data.toString(), "--classes", "4",
                "--rounds", "1", "--lake", lake.toString());
        assertThat(run.status()).as(run.err()).isZero();
        Row row = spark.read().format("delta").load(lake.resolve("runs").toString()).first();
        assertThat(row.<String>getAs("config_json")).contains("\"rounds\":1", "\"clients\":2", "\"model\":\"mlp:8\"");
        assertThat(spark.read().format("delta").load(lake.resolve("round_metrics").toString()).count()).isEqualTo(1);

        Files.writeString(config, "clients: 2\nround: 2\n");
        Cli unknown = Cli.run("pipeline", "--config", config.toString(), "--lake", lake.toString());
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown key 'round'").contains("rounds");
        Cli missing = Cli.run("pipeline", "--config", dir.resolve("nope.yaml").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml does not exist");
        // a malformed file: one sentence with the parser's complaint and where, not its excerpt and markers
        Files.writeString(config, "clients: 2\nrounds: [1, 2\nlr: 0.1\n");
        for (String command : List.of("pipeline", "sweep")) {
            Cli malformed = Cli.run(command, "--config", config.toString(), "--lake", lake.toString());
            assertThat(malformed.status()).isEqualTo(2);
            assertThat(malformed.err().strip().lines().count()).as(malformed.err()).isEqualTo(1);
            assertThat(malformed.err()).contains("is not valid YAML: while parsing a flow sequence, expected ',' or ']', but got", "(line 3, column 3)");
        }
    }

    @Test
    void everyTableColumnIsDocumentedInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (String table : Tables.names()) {
            int section = readme.indexOf("### `" + table + "`");
            assertThat(section).as("README section for " + table).isNotNegative();
            int end = readme.indexOf("### ", section + 4);
            String text = readme.substring(section, end < 0 ? readme.length() : end);
            for (String column : Tables.schemaOf(table).fieldNames()) {
                assertThat(text).as("README documents " + table + "." + column).contains("`" + column + "`");
            }
        }
    }
}
