package io.losslake.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.simulation.Simulation;
import io.losslake.spark.lake.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sweep, fit and fit-l2l against real Delta tables in local[2]. */
class SweepFitTest {
    static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = TestSpark.builder().getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** A sweep_points-shaped table drawn from known Chinchilla laws, per group, with 1% noise; group tiny has 3 points. */
    static Path syntheticSweep(Path lake) {
        List<Row> rows = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(4);
        Map<String, double[]> laws = Map.of("centralised", new double[] {1.69, 406.4, 410.7, 0.34, 0.28},
                "federated", new double[] {1.9, 300.0, 900.0, 0.30, 0.32});
        Timestamp now = Timestamp.from(Instant.now());
        for (Map.Entry<String, double[]> law : laws.entrySet()) {
            double[] p = law.getValue();
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 7; j++) {
                    long n = (long) (1e7 * Math.pow(2.5, i));
                    long d = (long) (1e8 * Math.pow(2.7, j));
                    double loss = (p[0] + p[1] / Math.pow(n, p[3]) + p[2] / Math.pow(d, p[4])) * Math.exp(0.01 * (r.nextDouble() * 2 - 1));
                    rows.add(RowFactory.create("synthetic", "key-" + i + "-" + j, "r", law.getKey(), "m" + i, n, "ds", null, null, null, 1L, d,
                            j + 1, d, 6.0 * n * d, "test", loss, null, now, null, null, null));
                }
            }
        }
        for (int k = 0; k < 3; k++) {
            rows.add(RowFactory.create("synthetic", "tiny" + k, "r", "tiny", "m", 1000L + k, "ds", null, null, null, 1L, 5000L, 1, 5000L,
                    6e7 + k, "test", 2.0 - 0.1 * k, null, now, null, null, null));
        }
        spark.createDataFrame(rows, Tables.SWEEP_POINTS_SCHEMA).write().format("delta").save(lake.resolve("sweep_points").toString());
        return lake;
    }

    @Test
    void fitsEachGroupRecoversItsLawAndReportsTheGroupThatCannotBeFitted() throws IOException {
        Path lake = syntheticSweep(dir.resolve("lake-fit"));
        Path plots = dir.resolve("plots");
        Cli fit = Cli.run("fit", "--group-by", "mode", "--form", "chinchilla", "--bootstrap", "100", "--level", "0.99", "--extrapolate-fraction", "0.2",
                "--plots", plots.toString(), "--lake", lake.toString());
        assertThat(fit.status()).as(fit.err()).isZero();
        assertThat(fit.out()).contains("2 of 3 fits ok", "FAILED: The chinchilla form has 5 parameters but only 3 points");
        List<Row> fits = spark.read().format("delta").load(lake.resolve("scaling_fits").toString()).collectAsList();
        assertThat(fits).hasSize(3);
        for (Row row : fits) {
            String group = row.getAs("group_json");
            if (group.contains("tiny")) {
                assertThat(row.<String>getAs("status")).isEqualTo("failed");
                continue;
            }
            assertThat(row.<String>getAs("status")).isEqualTo("ok");
            Map<String, Double> p = row.getJavaMap(row.fieldIndex("parameters"));
            Map<String, Double> lo = row.getJavaMap(row.fieldIndex("ci_low"));
            Map<String, Double> hi = row.getJavaMap(row.fieldIndex("ci_high"));
            double alpha = group.contains("federated") ? 0.30 : 0.34;
            double beta = group.contains("federated") ? 0.32 : 0.28;
            assertThat(alpha).isBetween(lo.get("alpha"), hi.get("alpha"));
            assertThat(beta).isBetween(lo.get("beta"), hi.get("beta"));
            assertThat(p.get("a_N")).isCloseTo(p.get("beta") / (p.get("alpha") + p.get("beta")), within(1e-9));
            assertThat(row.<Double>getAs("extrapolation_mean_error")).isLessThan(0.03);
        }
        try (var files = Files.list(plots)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).contains("fit-chinchilla-centralised.png", "fit-chinchilla-federated.svg");
        }
        Cli json = Cli.run("fit", "--where", "mode = 'centralised'", "--form", "power", "--bootstrap", "0", "--json", "--lake", lake.toString());
        assertThat(json.status()).as(json.err()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out().substring(json.out().indexOf('['))).get(0)
                .get("parameters").get("alpha").asDouble()).isPositive();
    }

    @Test
    void aFitAndItsIntervalsDoNotDependOnTheOrderOfTheRows() throws IOException {
        // a noisy power law; the same rows forwards and backwards (as two ways of writing one table would order them)
        List<String> lines = new ArrayList<>();
        java.util.Random noise = new java.util.Random(3);
        for (int i = 0; i < 12; i++) {
            double c = Math.pow(10, 9 + i * 0.25);
            lines.add(c + "," + (0.3 + 40 * Math.pow(c, -0.15) * (1 + 0.03 * noise.nextGaussian())));
        }
        Path forwards = Files.writeString(dir.resolve("forwards.csv"), "flops,loss\n" + String.join("\n", lines) + "\n");
        java.util.Collections.reverse(lines);
        Path backwards = Files.writeString(dir.resolve("backwards.csv"), "flops,loss\n" + String.join("\n", lines) + "\n");
        Path lakeA = dir.resolve("lake-order-a");
        Path lakeB = dir.resolve("lake-order-b");
        for (Path[] run : new Path[][] {{forwards, lakeA}, {backwards, lakeB}}) {
            Cli fit = Cli.run("fit", "--input", run[0].toString(), "--format", "csv", "--form", "power", "--bootstrap", "40", "--lake",
                    run[1].toString());
            assertThat(fit.status()).as(fit.err()).isZero();
        }
        List<String> a = TableContents.rows(spark, lakeA.resolve("scaling_fits"));
        assertThat(a).hasSize(1);
        assertThat(TableContents.rows(spark, lakeB.resolve("scaling_fits"))).isEqualTo(a);
    }

    @Test
    void badFitInputIsOneSentenceAndWritesNothing() throws IOException {
        Path lake = syntheticSweep(dir.resolve("lake-bad"));
        Path csv = dir.resolve("points.csv");
        Files.writeString(csv, "flops,loss\n1e10,2.0\n1e11,1.8\n-5,1.7\n");
        String[][] cases = {
            {"--loss", "perplexity"},
            {"--form", "cubic"},
            {"--where", "no_such_column > 3"},
            {"--input", csv.toString(), "--format", "csv", "--form", "power"},
            {"--bootstrap", "-1"},
        };
        String[] expected = {"no column 'perplexity'", "--form 'cubic'", "not a valid filter", "non-positive", "--bootstrap -1"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("fit", "--lake", lake.toString()));
            args.addAll(List.of(cases[i]));
            Cli bad = Cli.run(args.toArray(String[]::new));
            assertThat(bad.status()).as(String.join(" ", cases[i]) + bad.err()).isEqualTo(2);
            assertThat(bad.err().strip().lines().count()).as(bad.err()).isEqualTo(1);
            assertThat(bad.err()).contains(expected[i]);
        }
        assertThat(lake.resolve("scaling_fits")).doesNotExist();
    }

    @Test
    void lossToLossRecoversTheMapBetweenTwoSides() {
        Path lake = dir.resolve("lake-l2l");
        List<Row> rows = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        for (int i = 0; i < 12; i++) {
            double lx = 1.2 + 2.0 * Math.pow(1.3, -i);
            double ly = 1.7 * Math.pow(lx - 1.2, 0.8) + 0.9;
            for (String[] side : new String[][] {{"train", Double.toString(lx)}, {"test", Double.toString(ly)}}) {
                rows.add(RowFactory.create("s", "run" + i, "r", "centralised", "m", 1000L, "ds", null, null, null, 1L, 100L, 1, 100L * (i + 1),
                        1e9 * Math.pow(2, i), side[0], Double.parseDouble(side[1]), null, now, null, null, null));
            }
        }
        spark.createDataFrame(rows, Tables.SWEEP_POINTS_SCHEMA).write().format("delta").save(lake.resolve("sweep_points").toString());
        Cli l2l = Cli.run("fit-l2l", "--side-column", "eval_set", "--x-side", "train", "--y-side", "test", "--pair-by", "run_key,step",
                "--offsets", "fit", "--extrapolate-fraction", "0.25", "--lake", lake.toString());
        assertThat(l2l.status()).as(l2l.err()).isZero();
        assertThat(l2l.out()).contains("9 pairs fitted, 3 held out");
        Row fit = spark.read().format("delta").load(lake.resolve("scaling_fits").toString()).first();
        Map<String, Double> p = fit.getJavaMap(fit.fieldIndex("parameters"));
        assertThat(p.get("kappa")).isCloseTo(0.8, within(0.05));
        assertThat(fit.<Double>getAs("extrapolation_mean_error")).isLessThan(0.01);

        // pairing by run_key alone leaves every run's rows sharing one key: refused, not silently overwritten
        Cli ambiguous = Cli.run("fit-l2l", "--side-column", "eval_set", "--x-side", "train", "--y-side", "test", "--pair-by", "model",
                "--offsets", "fit", "--lake", lake.toString());
        assertThat(ambiguous.status()).isEqualTo(2);
        assertThat(ambiguous.err().strip().lines().count()).isEqualTo(1);
        assertThat(ambiguous.err()).contains("rows share the pairing key [m] of --pair-by model");
        assertThat(spark.read().format("delta").load(lake.resolve("scaling_fits").toString()).count()).isEqualTo(1);
    }

    /**
     * Three datasets on a 6 x 6 grid of N and D whose losses follow Kaplan laws related exactly by
     * shifted power laws: a's law, b = 1.3 (a - 1.6)^1.2 + 0.9, c = 0.8 (a - 1.6)^0.9 + 0.5.
     */
    static Path threeDatasetsCsv(Path file, boolean withNaN) throws IOException {
        StringBuilder csv = new StringBuilder("dataset,n_idx,d_idx,row_id,params,tokens,flops,loss\n");
        int id = 0;
        for (String[] side : new String[][] {{"a", "1", "1", "1.6"}, {"b", "1.3", "1.2", "0.9"}, {"c", "0.8", "0.9", "0.5"}}) {
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    double n = 1e5 * Math.pow(10, 0.6 * i);
                    double d = 1e6 * Math.pow(10, 0.55 * j);
                    double r = Math.pow(Math.pow(1e4 / n, 0.35 / 0.4) + 1e5 / d, 0.4);
                    double loss = Double.parseDouble(side[1]) * Math.pow(r, Double.parseDouble(side[2])) + Double.parseDouble(side[3]);
                    String shown = withNaN && id == 3 ? "NaN" : Double.toString(loss);
                    csv.append(String.join(",", side[0], Integer.toString(i), Integer.toString(j), Integer.toString(id++), Double.toString(n),
                            Double.toString(d), Double.toString(6 * n * d), shown)).append('\n');
                }
            }
        }
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void lossToLossOnACsvFitsEveryPairOfSidesWithKaplanOffsetsAndRefusesBadInput() throws IOException {
        Path csv = threeDatasetsCsv(dir.resolve("three.csv"), false);
        Path lake = dir.resolve("lake-l2l-csv");
        Path plots = dir.resolve("l2l-plots");
        String[] common = {"fit-l2l", "--format", "csv", "--side-column", "dataset", "--pair-by", "n_idx,d_idx", "--examples", "tokens",
            "--lake", lake.toString()};
        String[] input = {"--input", csv.toString()};
        Cli matrix = Cli.run(Cli.concat(Cli.concat(common, input), "--x-side", "all", "--y-side", "all", "--holdout-where", "params >= 1e8", "--plots", plots.toString()));
        assertThat(matrix.status()).as(matrix.err()).isZero();
        assertThat(matrix.out()).contains("kappa (rows: x side, columns: y side)", "30 pairs fitted, 6 held out",
                "E_a from its kaplan law on its 30 rows outside the held-out set: E 1.6");
        List<Row> fits = spark.read().format("delta").load(lake.resolve("scaling_fits").toString()).collectAsList();
        assertThat(fits).hasSize(6).allMatch(f -> f.getAs("status").equals("ok"));
        for (Row f : fits) {
            assertThat(f.<Double>getAs("extrapolation_max_error")).as(f.<String>getAs("group_json")).isLessThan(1e-4);
            if (f.<String>getAs("group_json").contains("\"a -> b\"")) {
                Map<String, Double> p = f.getJavaMap(f.fieldIndex("parameters"));
                assertThat(p.get("kappa")).isCloseTo(1.2, within(1e-4));
                assertThat(p.get("K")).isCloseTo(1.3, within(1e-4));
                assertThat(p.get("E_y")).isCloseTo(0.9, within(1e-4));
            }
        }
        assertThat(plots.resolve("l2l-matrix-kappa.png")).exists();
        assertThat(plots.resolve("l2l-a-b.svg")).exists();
        Cli one = Cli.run(Cli.concat(Cli.concat(common, input), "--x-side", "a", "--y-side", "c", "--holdout-where", "params >= 1e8"));
        assertThat(one.status()).as(one.err()).isZero();
        assertThat(one.out()).contains("held out (--holdout-where \"params >= 1e8\"):", "n_idx=5, d_idx=0").doesNotContain("kappa (rows");
        assertThat(one.out().lines().filter(l -> l.contains("predicted")).count()).isEqualTo(6);

        Path withNaN = threeDatasetsCsv(dir.resolve("nan.csv"), true);
        String[][] cases = {
            {"--x-side", "z", "--y-side", "b"},
            {"--x-side", "a", "--y-side", "a"},
            {"--x-side", "a", "--y-side", "b", "--pair-by", "row_id"},
            {"--x-side", "a", "--y-side", "b", "--offsets", "fit", "--where", "params < 1e6 AND tokens < 1e7"},
            {"--x-side", "a", "--y-side", "b", "--where", "params < 2e5 AND tokens < 1e8"},
            {"--x-side", "a", "--y-side", "b", "--holdout-where", "params > 1e20"},
            {"--x-side", "a", "--y-side", "b", "--holdout-where", "params > 1e7", "--extrapolate-fraction", "0.3"},
            {"--x-side", "a", "--y-side", "b", "--holdout-where", "params >>> ((("},
            {"--x-side", "a", "--y-side", "b", "--params", "nparams"},
            {"--x-side", "a", "--y-side", "b", "--offsets", "median"},
            {"--x-side", "a", "--y-side", "b", "--input", withNaN.toString()},
        };
        String[] expected = {
            "--x-side 'z' names no row of column 'dataset'; its values are a, b, c.",
            "--x-side and --y-side are both 'a'",
            "the two sides share no pairing key",
            "fitting K and kappa with E_x and E_y needs at least 5",
            "its kaplan law for E_x (--offsets kaplan) needs at least 6",
            "--holdout-where \"params > 1e20\" names none of the rows",
            "Give --holdout-where or --extrapolate-fraction, not both",
            "--holdout-where \"params >>> (((\" is not a valid condition",
            "has no column 'nparams'",
            "Invalid --offsets 'median'",
            "Column 'loss' of " + withNaN + " has 1 missing, non-positive or infinite values",
        };
        for (int i = 0; i < cases.length; i++) {
            Cli bad = Cli.run(Cli.concat(List.of(cases[i]).contains("--input") ? common : Cli.concat(common, input), cases[i]));
            assertThat(bad.status()).as(String.join(" ", cases[i]) + bad.err()).isEqualTo(2);
            assertThat(bad.err().strip().lines().count()).as(bad.err()).isEqualTo(1);
            assertThat(bad.err()).contains(expected[i]);
        }
        // nothing written by a refused fit: the table holds the first two runs' rows only
        assertThat(spark.read().format("delta").load(lake.resolve("scaling_fits").toString()).count()).isEqualTo(7);
    }


    /** A lake with the dataset 'tiny' (400 training images of 6x6 pixels, 4 classes) and its IID plan 'tiny-iid' of 4 clients. */
    static Path tinyLake(String name) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data-" + name));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 400, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 100, 6, 4, 2), true);
        Path lake = dir.resolve("lake-" + name);
        assertThat(Cli.run("prepare", "--input", data.toString(), "--dataset", "tiny", "--scheme", "iid", "--clients", "4", "--plan", "tiny-iid",
                "--lake", lake.toString()).status()).isZero();
        return lake;
    }

    @Test
    void aSweepRecordsExactNdcAtItsCheckpointsAndSkipsFinishedRunsWhenRerun() throws IOException {
        Path lake = tinyLake("sweep");
        Path config = dir.resolve("sweep.yaml");
        Files.writeString(config, """
                name: t
                dataset: tiny
                models: [mlp:4, mlp:12]
                data-budgets: [256, 1024]
                checkpoints: 3
                batch-size: 16
                optimizer: adam
                lr: 0.01
                modes:
                  - centralised
                  - federated: {plan: tiny-iid, strategy: fedavg, clients-per-round: 2, local-steps: 4}
                eval-sets:
                  - test
                  - rotated: {rotation: 30}
                eval-sample: 50
                """);
        Cli sweep = Cli.run("sweep", "--config", config.toString(), "--lake", lake.toString());
        assertThat(sweep.status()).as(sweep.err()).isZero();
        assertThat(sweep.out()).contains("8 runs in the grid design, 0 already done, 8 to go", "[8/8]", "ETA");
        List<Row> points = spark.read().format("delta").load(lake.resolve("sweep_points").toString()).collectAsList();
        // x (train, test, rotated): 4 centralised runs x 3 checkpoints; federated rounds carry 2 x 4 x 16 = 128 examples,
        // so budget 1024 checkpoints at rounds 2, 4, 8 but budget 256 (rounds 1, 1, 2) has only 2 distinct checkpoints
        assertThat(points).hasSize((4 * 3 + 2 * 3 + 2 * 2) * 3);
        for (Row r : points) {
            ModelSpec model = ModelSpec.parse(r.getAs("model"), 36, 4);
            assertThat(r.<Long>getAs("params")).isEqualTo(model.parameterCount());
            assertThat(r.<Double>getAs("flops")).isCloseTo(Simulation.trainingFlopsPerExample(model) * r.<Long>getAs("examples"), within(1e-6));
        }
        List<Long> centralD = points.stream().filter(r -> r.getAs("mode").equals("centralised") && r.<Long>getAs("data_budget") == 1024
                && r.getAs("eval_set").equals("test") && r.getAs("model").equals("mlp:4")).map(r -> r.<Long>getAs("examples")).sorted().toList();
        assertThat(centralD).containsExactly(256L, 512L, 1024L);
        Cli again = Cli.run("sweep", "--config", config.toString(), "--lake", lake.toString());
        assertThat(again.out()).contains("8 already done, 0 to go");
        assertThat(spark.read().format("delta").load(lake.resolve("sweep_points").toString()).count()).isEqualTo(points.size());
        Cli bad = Cli.run("sweep", "--config", dir.resolve("nope.yaml").toString(), "--lake", lake.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("nope.yaml does not exist");
    }

    @Test
    void anIsoflopSweepSpendsEachBudgetExactlyAndStudyReadsIt() throws IOException {
        Path lake = tinyLake("iso");
        Path config = dir.resolve("iso.yaml");
        Files.writeString(config, """
                name: iso
                dataset: tiny
                design: isoflop
                compute-budgets: [1e6, 3e6, 1e7]
                models: [mlp:1, mlp:2, mlp:4, mlp:8, mlp:16]
                examples-per-param: [1, 200]
                seeds: [1, 2]
                checkpoints: 2
                batch-size: 16
                optimizer: adam
                lr: 0.01
                schedule: cosine
                eval-sample: 50
                """);
        Cli sweep = Cli.run("sweep", "--config", config.toString(), "--lake", lake.toString());
        assertThat(sweep.status()).as(sweep.err()).isZero();
        assertThat(sweep.out()).contains("in the isoflop design", "cosine to 0.1x", "C=1.00e+07");
        List<Row> finals = spark.read().format("delta").load(lake.resolve("sweep_points").toString())
                .where("final AND eval_set = 'test'").collectAsList();
        assertThat(finals).isNotEmpty();
        java.util.Set<Double> budgets = new java.util.TreeSet<>();
        for (Row r : finals) {
            ModelSpec model = ModelSpec.parse(r.getAs("model"), 36, 4);
            double perExample = Simulation.trainingFlopsPerExample(model);
            double c = r.<Double>getAs("flop_budget");
            budgets.add(c);
            // every run of a budget spends it, to within half an example's FLOPs, by the same accounting as its flops column
            assertThat(Math.abs(r.<Double>getAs("flops") - c)).isLessThanOrEqualTo(perExample / 2);
            assertThat(r.<Long>getAs("examples")).isEqualTo(Math.round(c / perExample)).isEqualTo(r.<Long>getAs("data_budget"));
            double ratio = (double) r.<Long>getAs("examples") / r.<Long>getAs("params");
            assertThat(ratio).isBetween(1.0, 200.0);
            assertThat(r.<Double>getAs("lr")).isEqualTo(0.01);
        }
        assertThat(budgets).containsExactly(1e6, 3e6, 1e7);
        // each run has one final point per eval set, and its earlier checkpoint is not final
        long runs = finals.stream().map(r -> r.<String>getAs("run_key")).distinct().count();
        assertThat(finals).hasSize((int) runs);
        assertThat(spark.read().format("delta").load(lake.resolve("sweep_points").toString()).where("NOT final AND eval_set = 'test'").count())
                .isEqualTo(runs);
        assertThat(runs % 2).isZero(); // two seeds of every (budget, size)

        Cli study = Cli.run("study", "--sweep", "iso", "--hold-out", "none", "--bootstrap", "20", "--lake", lake.toString());
        assertThat(study.out()).as(study.err()).contains("== study iso, centralised", "Approach 3");
        List<Row> fits = spark.read().format("delta").load(lake.resolve("scaling_fits").toString()).collectAsList();
        assertThat(fits.stream().map(r -> r.<String>getAs("form")).sorted().toList()).containsExactly("chinchilla", "isoflop");

        // the same sweep edited (another peak rate) cannot add its runs beside the old ones
        long rows = spark.read().format("delta").load(lake.resolve("sweep_points").toString()).count();
        Files.writeString(config, Files.readString(config).replace("lr: 0.01", "lr: 0.02"));
        Cli edited = Cli.run("sweep", "--config", config.toString(), "--lake", lake.toString());
        assertThat(edited.status()).isEqualTo(2);
        assertThat(edited.err()).contains("already holds " + runs + " run(s) of sweep 'iso' that this file no longer describes");
        assertThat(spark.read().format("delta").load(lake.resolve("sweep_points").toString()).count()).isEqualTo(rows);

        Path grid = dir.resolve("iso-grid.yaml");
        Files.writeString(grid, "name: g\ndataset: tiny\ndesign: isoflop\ndata-budgets: [100]\nmodels: [mlp:4]\n");
        Cli bad = Cli.run("sweep", "--config", grid.toString(), "--lake", lake.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("design: isoflop takes compute-budgets (FLOPs), not data-budgets").doesNotContain("\tat ");
        Path narrow = dir.resolve("iso-narrow.yaml");
        Files.writeString(narrow, "name: n\ndataset: tiny\ndesign: isoflop\ncompute-budgets: [1e6]\nmodels: [mlp:4, mlp:8]\n");
        bad = Cli.run("sweep", "--config", narrow.toString(), "--lake", lake.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("compute budget 1.00e+06 keeps 2 model(s)", "needs at least 3");
        bad = Cli.run("study", "--sweep", "nope", "--lake", lake.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("--sweep nope has no rows", "[iso]");
        bad = Cli.run("study", "--sweep", "iso", "--hold-out", "first", "--lake", lake.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid --hold-out 'first': expected largest or none.");
        assertThat(spark.read().format("delta").load(lake.resolve("scaling_fits").toString()).count()).isEqualTo(fits.size());
    }
}
