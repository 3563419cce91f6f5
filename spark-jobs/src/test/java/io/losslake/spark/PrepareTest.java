package io.losslake.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.DenseClientData;
import io.losslake.data.IdxWriter;
import io.losslake.data.LabeledImages;
import io.losslake.data.testing.SyntheticImages;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.lake.Lake;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'losslake prepare', 'partitions' and feeding clients from the lake, in local[2] against real Delta tables. */
class PrepareTest {
    static SparkSession spark;
    static LabeledImages train;

    @TempDir
    static Path dir;
    static Path idx;
    static Path csv;

    @BeforeAll
    static void start() throws IOException {
        idx = Files.createDirectories(dir.resolve("idx"));
        train = SyntheticImages.generate("train", 300, 5, 4, 1);
        IdxWriter.writeSplit(idx, "train", train, true);
        IdxWriter.writeSplit(idx, "t10k", SyntheticImages.generate("test", 40, 5, 4, 2), false);
        csv = dir.resolve("table.csv");
        StringBuilder text = new StringBuilder("label,f0,f1,f2,writer,part\n");
        for (int i = 0; i < 60; i++) {
            text.append(i % 3).append(',').append(i).append(',').append(2 * i).append(',').append(i % 7)
                    .append(",w").append(i % 5).append(',').append(i % 6 == 0 ? "test" : "train").append('\n');
        }
        Files.writeString(csv, text);
        spark = TestSpark.builder().getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Cli prepare(Path lake, String... extra) {
        List<String> args = new ArrayList<>(List.of("prepare", "--lake", lake.toString()));
        args.addAll(Arrays.asList(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    static List<Row> table(Path lake, String name) {
        return spark.read().format("delta").load(lake.resolve(name).toString()).collectAsList();
    }

    @Test
    void preparesIdxIntoExamplesPartitionsAndStatsAndARerunLeavesTheSameRows() {
        Path lake = dir.resolve("lake-idx");
        String[] args = {"--input", idx.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.5",
            "--clients", "6", "--min-size", "5", "--seed", "3"};
        Cli first = prepare(lake, args);
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).contains("plan synthetic-dirichlet-alpha0.5-minsize5-c6-seed3", "340 rows", "mean TV");

        List<Row> examples = table(lake, "examples");
        assertThat(examples).hasSize(340);
        Row firstTrain = examples.stream().filter(r -> r.getAs("split").equals("train") && r.<Long>getAs("example_id") == 0).findFirst().orElseThrow();
        List<Float> features = firstTrain.getList(firstTrain.fieldIndex("features"));
        assertThat(features).hasSize(25);
        assertThat(features.get(3)).isEqualTo((train.pixels()[3] & 0xFF) / 255f);
        assertThat(firstTrain.getList(firstTrain.fieldIndex("shape"))).containsExactly(5, 5);
        assertThat(firstTrain.<Integer>getAs("label")).isEqualTo(train.label(0));

        List<Row> partitions = table(lake, "partitions");
        assertThat(partitions).hasSize(300);
        assertThat(partitions.stream().map(r -> r.<Long>getAs("example_id")).distinct().count()).isEqualTo(300);
        List<Row> stats = table(lake, "partition_stats");
        assertThat(stats).hasSize(7);
        Row summary = stats.stream().filter(r -> r.getAs("row_kind").equals("summary")).findFirst().orElseThrow();
        assertThat(summary.<Integer>getAs("clients")).isEqualTo(6);
        assertThat(summary.<Long>getAs("examples")).isEqualTo(300);
        assertThat(summary.<Integer>getAs("min_size")).isGreaterThanOrEqualTo(5);

        Cli again = prepare(lake, args);
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(withoutRunIds(table(lake, "examples"))).containsExactlyInAnyOrderElementsOf(withoutRunIds(examples));
        assertThat(withoutRunIds(table(lake, "partitions"))).containsExactlyInAnyOrderElementsOf(withoutRunIds(partitions));
        assertThat(withoutRunIds(table(lake, "partition_stats"))).containsExactlyInAnyOrderElementsOf(withoutRunIds(stats));
        assertThat(table(lake, "runs")).hasSize(2).allSatisfy(r -> assertThat(r.<String>getAs("status")).isEqualTo("SUCCEEDED"));

        // the class count a sweep trains with is the declared one, not max label + 1
        Lake lakeOf = new Lake(spark, lake.toString());
        assertThat(ClientDatasets.declaredClasses(lakeOf, "synthetic")).isEqualTo(train.numClasses());
        Cli declared = prepare(lake, "--input", idx.toString(), "--dataset", "synthetic", "--classes", "7", "--clients", "2", "--plan", "seven");
        assertThat(declared.status()).as(declared.err()).isZero();
        assertThat(ClientDatasets.declaredClasses(lakeOf, "synthetic")).isEqualTo(7);
        assertThat(ClientDatasets.describe(lakeOf, "seven").numClasses()).isEqualTo(7);
    }

    private static List<String> withoutRunIds(List<Row> rows) {
        return rows.stream().map(r -> {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < r.length(); i++) {
                if (!r.schema().fields()[i].name().equals("run_id")) {
                    values.add(String.valueOf(r.get(i))); // arrays print their elements (WrappedArray)
                }
            }
            return values.toString();
        }).collect(Collectors.toList());
    }

    @Test
    void preparesCsvWithItsSplitAndNaturalClientsAndStandardizes() {
        Path lake = dir.resolve("lake-csv");
        Cli run = prepare(lake, "--format", "csv", "--input", csv.toString(), "--label-column", "label", "--feature-columns", "f*",
                "--split-column", "part", "--group-column", "writer", "--scheme", "natural", "--normalize", "standardize", "--plan", "by-writer");
        assertThat(run.status()).as(run.err()).isZero();
        List<Row> examples = table(lake, "examples");
        assertThat(examples).hasSize(60);
        assertThat(examples.stream().filter(r -> r.getAs("split").equals("test")).count()).isEqualTo(10);
        double[] mean = new double[3];
        long n = 0;
        for (Row r : examples) {
            if (r.getAs("split").equals("train")) {
                List<Float> f = r.getList(r.fieldIndex("features"));
                for (int k = 0; k < 3; k++) {
                    mean[k] += f.get(k);
                }
                n++;
            }
        }
        for (int k = 0; k < 3; k++) {
            assertThat(mean[k] / n).isCloseTo(0.0, org.assertj.core.api.Assertions.within(1e-5));
        }
        List<Row> stats = table(lake, "partition_stats").stream().filter(r -> r.getAs("row_kind").equals("client")).toList();
        assertThat(stats).extracting(r -> r.<String>getAs("group_value")).containsExactlyInAnyOrder("w0", "w1", "w2", "w3", "w4");
        // the seeded split when the table has no split column
        Cli seeded = prepare(lake, "--format", "csv", "--input", csv.toString(), "--label-column", "label", "--feature-columns", "f0,f1",
                "--dataset", "seeded", "--test-fraction", "0.5", "--clients", "2");
        assertThat(seeded.status()).as(seeded.err()).isZero();
        long test = spark.read().format("delta").load(lake.resolve("examples").toString())
                .where(col("dataset").equalTo("seeded").and(col("split").equalTo("test"))).count();
        assertThat(test).isBetween(15L, 45L);
    }

    @Test
    void readsParquetAndDeltaSourcesToo() {
        Path parquet = dir.resolve("table.parquet");
        spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString()).write().parquet(parquet.toString());
        Path delta = dir.resolve("table-delta");
        spark.read().parquet(parquet.toString()).write().format("delta").save(delta.toString());
        Path lake = dir.resolve("lake-formats");
        for (String[] source : new String[][] {{"parquet", parquet.toString()}, {"delta", delta.toString()}}) {
            Cli run = prepare(lake, "--format", source[0], "--input", source[1], "--dataset", "t-" + source[0], "--label-column", "label",
                    "--feature-columns", "f0,f1,f2", "--split-column", "part", "--scheme", "shards", "--classes-per-client", "1", "--clients", "3");
            assertThat(run.status()).as(run.err()).isZero();
        }
        assertThat(spark.read().format("delta").load(lake.resolve("examples").toString()).count()).isEqualTo(120);
    }

    @Test
    void badInputEndsWithOneSentenceAndWritesNothing() throws IOException {
        Path lake = dir.resolve("lake-bad");
        Path nan = dir.resolve("nan.csv");
        Files.writeString(nan, "label,a,b\n0,1.0,2.0\n1,NaN,3.0\n");
        Path words = dir.resolve("words.csv");
        Files.writeString(words, "label,a\ncat,1.0\ndog,2.0\n");
        Path big = dir.resolve("big.csv");
        Files.writeString(big, "label,a\n0,1.0\n7,2.0\n1,3.0\n");
        String[][] cases = {
            {"--input", idx.toString(), "--scheme", "labelskew", "--clients", "3"},
            {"--input", idx.toString(), "--scheme", "dirichlet", "--alpha", "0", "--clients", "3"},
            {"--input", idx.toString(), "--scheme", "dirichlet", "--alpha", "-1", "--clients", "3"},
            {"--input", idx.toString(), "--scheme", "iid", "--clients", "301"},
            {"--input", idx.toString(), "--scheme", "iid", "--clients", "3", "--alpha", "0.5"},
            {"--input", idx.toString(), "--classes", "3", "--clients", "3"},
            {"--format", "csv", "--input", csv.toString(), "--label-column", "klass", "--feature-columns", "f0", "--clients", "2"},
            {"--format", "csv", "--input", words.toString(), "--label-column", "label", "--feature-columns", "a", "--clients", "1"},
            {"--format", "csv", "--input", nan.toString(), "--label-column", "label", "--feature-columns", "a,b", "--clients", "1"},
            {"--format", "csv", "--input", big.toString(), "--label-column", "label", "--feature-columns", "a", "--classes", "5", "--clients", "1"},
            {"--format", "csv", "--input", dir.resolve("missing.csv").toString(), "--label-column", "label", "--feature-columns", "a", "--clients", "1"},
        };
        String[] expected = {"--scheme 'labelskew'", "--alpha 0.0", "--alpha -1.0", "Cannot deal 300 examples to 301 clients",
            "--alpha does not apply to the iid scheme", "outside the declared 3 classes", "no column 'klass'",
            "'label' is not numeric (type string, e.g. value 'cat')", "missing, NaN or infinite features", "outside the declared 5 classes",
            "missing.csv is not a readable csv source"};
        for (int i = 0; i < cases.length; i++) {
            Cli bad = prepare(lake, cases[i]);
            assertThat(bad.status()).as(Arrays.toString(cases[i]) + bad.err()).isEqualTo(2);
            assertThat(bad.err().strip().lines().count()).as(bad.err()).isEqualTo(1);
            assertThat(bad.err()).startsWith("losslake: ").contains(expected[i]);
        }
        assertThat(lake).doesNotExist();
    }

    @Test
    void partitionsShowPrintsClientsAndDrawsTheHeatMap() throws IOException {
        Path lake = dir.resolve("lake-show");
        assertThat(prepare(lake, "--input", idx.toString(), "--scheme", "shards", "--classes-per-client", "2", "--clients", "8",
                "--plan", "shards8").status()).isZero();
        Cli list = Cli.run("partitions", "list", "--lake", lake.toString());
        assertThat(list.out()).contains("shards8", "shards", "8");
        Path png = dir.resolve("shards8.png");
        Cli show = Cli.run("partitions", "show", "shards8", "--limit", "3", "--png", png.toString(), "--lake", lake.toString());
        assertThat(show.status()).as(show.err()).isZero();
        assertThat(show.out()).contains("8 clients", "... 5 more clients", "heat map: " + png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isGreaterThan(200);
        assertThat(image.getHeight()).isGreaterThan(100);
        Cli missing = Cli.run("partitions", "show", "nope", "--lake", lake.toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("no partition plan 'nope'");
    }

    @Test
    void clientsComeBackFromTheLakeWhole_featureShiftChangingInputsButNeverLabels() {
        Path lake = dir.resolve("lake-clients");
        assertThat(prepare(lake, "--input", idx.toString(), "--clients", "4", "--plan", "plain").status()).isZero();
        assertThat(prepare(lake, "--input", idx.toString(), "--clients", "4", "--plan", "shifted", "--scheme", "feature-shift",
                "--noise", "0.1", "--rotation", "20", "--brightness", "0.1").status()).isZero();
        Lake handle = new Lake(spark, lake.toString());
        Map<Integer, DenseClientData> plain = byClient(ClientDatasets.load(handle, ClientDatasets.describe(handle, "plain"), 3).collect());
        Map<Integer, DenseClientData> shifted = byClient(ClientDatasets.load(handle, ClientDatasets.describe(handle, "shifted"), 2).collect());
        assertThat(plain).hasSize(4);
        assertThat(plain.values().stream().mapToInt(DenseClientData::size).sum()).isEqualTo(300);
        for (DenseClientData client : plain.values()) {
            assertThat(client.exampleIds()).isSorted();
            for (int i = 0; i < client.size(); i++) {
                int id = (int) client.exampleIds()[i];
                assertThat(client.label(i)).isEqualTo(train.label(id));
                float[] x = new float[25];
                client.copyFeatures(i, x, 0);
                assertThat(x[7]).isEqualTo((train.pixels()[id * 25 + 7] & 0xFF) / 255f);
            }
            DenseClientData moved = shifted.get(client.clientId());
            assertThat(moved.exampleIds()).containsExactly(client.exampleIds());
            assertThat(moved.labels()).containsExactly(client.labels());
            assertThat(moved.features()).isNotEqualTo(client.features());
        }
    }

    private static Map<Integer, DenseClientData> byClient(List<DenseClientData> clients) {
        Map<Integer, DenseClientData> out = new HashMap<>();
        clients.forEach(c -> out.put(c.clientId(), c));
        return out;
    }
}
