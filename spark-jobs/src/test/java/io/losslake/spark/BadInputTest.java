package io.losslake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed input across every command, as a new user would give it (files, options, YAML, tables
 * with wrong columns or types, NaN and infinity in data, empty plans), against one lake holding a
 * plan, a federated run and a sweep: each ends with exit status 2 and one sentence naming the
 * input, and every table's {@code _delta_log} is byte for byte what it was.
 */
class BadInputTest {
    static SparkSession spark;

    @TempDir
    static Path dir;
    static Path lake;
    static Path data;
    static String federateRun;

    @BeforeAll
    static void prepare() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 120, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 40, 6, 4, 2), true);
        spark = TestSpark.builder().getOrCreate();
        lake = dir.resolve("lake");
        assertThat(Cli.run("prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "iid", "--clients", "3", "--plan", "p",
                "--lake", lake.toString()).status()).isZero();
        Cli run = Cli.run("federate", "--plan", "p", "--model", "mlp:4", "--rounds", "1", "--decompose-every", "0", "--lake", lake.toString());
        assertThat(run.status()).as(run.err()).isZero();
        federateRun = run.out().lines().findFirst().orElseThrow().substring("losslake federate: run ".length()).split("[ ,]")[0];
        Path sweep = write("sweep-ok.yaml", """
                name: ok
                dataset: synthetic
                models: [mlp:4]
                data-budgets: [64, 128]
                checkpoints: 2
                batch-size: 16
                modes: [centralised]
                eval-sets: [test]
                eval-sample: 20
                """);
        Cli swept = Cli.run("sweep", "--config", sweep.toString(), "--lake", lake.toString());
        assertThat(swept.status()).as(swept.err()).isZero();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** Every file under every table's _delta_log, with its bytes. */
    static Map<String, String> logs() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (var files = Files.walk(lake)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().contains("_delta_log")).toList()) {
                out.put(lake.relativize(f).toString(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    record Case(String what, String[] args, String expected) {
    }

    @Test
    void everyMalformedInputIsOneSentenceWithExitStatus2AndEveryDeltaLogIsUntouched() throws IOException {
        String l = lake.toString();
        // files
        Path corruptIdx = Files.createDirectories(dir.resolve("corrupt-idx"));
        Files.write(corruptIdx.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 9, 1, 2});
        Files.write(corruptIdx.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 9});
        Path corruptGzip = Files.createDirectories(dir.resolve("corrupt-gzip"));
        Files.write(corruptGzip.resolve("train-images-idx3-ubyte.gz"), "not gzip at all".getBytes(StandardCharsets.UTF_8));
        Files.write(corruptGzip.resolve("train-labels-idx1-ubyte.gz"), "not gzip at all".getBytes(StandardCharsets.UTF_8));
        Path truncatedGzip = Files.createDirectories(dir.resolve("truncated-gzip"));
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(truncatedGzip.resolve("whole.gz")))) {
            o.write(Files.readAllBytes(data.resolve("train-images-idx3-ubyte.gz")));
        }
        byte[] images = Files.readAllBytes(data.resolve("train-images-idx3-ubyte.gz"));
        Files.write(truncatedGzip.resolve("train-images-idx3-ubyte.gz"), java.util.Arrays.copyOf(images, images.length / 2));
        Files.copy(data.resolve("train-labels-idx1-ubyte.gz"), truncatedGzip.resolve("train-labels-idx1-ubyte.gz"));
        Path emptyFolder = Files.createDirectories(dir.resolve("empty-folder"));
        Path csvNan = write("nan.csv", "label,x1,x2\n0,0.1,0.2\n1,NaN,0.3\n0,0.5,0.1\n1,0.2,0.9\n");
        Path csvInf = write("inf.csv", "label,x1,x2\n0,0.1,0.2\n1,Infinity,0.3\n0,0.5,0.1\n1,0.2,0.9\n");
        Path csvText = write("text.csv", "label,x1,x2\n0,0.1,0.2\n1,abc,0.3\n");
        Path csvHeaderOnly = write("header.csv", "label,x1,x2\n");
        Path csvGood = write("good.csv", "label,x1,x2\n0,0.1,0.2\n1,0.4,0.3\n0,0.5,0.1\n1,0.2,0.9\n");
        Path fitWrongColumns = write("fit-cols.csv", "compute,val\n1e10,2.0\n1e11,1.8\n1e12,1.6\n");
        Path fitText = write("fit-text.csv", "flops,loss\n1e10,two\n1e11,1.8\n1e12,1.6\n");
        Path fitNan = write("fit-nan.csv", "flops,loss\n1e10,NaN\n1e11,1.8\n1e12,1.6\n1e13,1.5\n");
        // YAML
        Path malformed = write("malformed.yaml", "rounds: [1, 2\nlr: 0.1\n");
        Path unknownKey = write("unknown.yaml", "roundz: 3\n");
        Path notMapping = write("list.yaml", "- 1\n- 2\n");
        Path nested = write("nested.yaml", "rounds:\n  a: 1\n");
        Path sweepUnknown = write("sweep-unknown.yaml", "name: s\ndataset: synthetic\nmodels: [mlp:4]\ndata-budgets: [64]\nmodelz: 1\n");
        Path sweepBadModel = write("sweep-model.yaml", "name: s\ndataset: synthetic\nmodels: [transformer]\ndata-budgets: [64]\n");
        Path sweepEmpty = write("sweep-empty.yaml", "");
        Path sweepNoBudgets = write("sweep-nobudget.yaml", "name: s\ndataset: synthetic\nmodels: [mlp:4]\n");

        List<Case> cases = new ArrayList<>(List.of(
            // pipeline
            new Case("pipeline: no such data folder", new String[] {"pipeline", "--data", dir.resolve("nope").toString(), "--lake", l}, "nope"),
            new Case("pipeline: zero clients", new String[] {"pipeline", "--data", data.toString(), "--clients", "0", "--lake", l}, "--clients"),
            new Case("pipeline: malformed YAML", new String[] {"pipeline", "--config", malformed.toString(), "--lake", l}, "is not valid YAML"),
            new Case("pipeline: unknown YAML key", new String[] {"pipeline", "--config", unknownKey.toString(), "--lake", l}, "unknown key 'roundz'"),
            new Case("pipeline: YAML list", new String[] {"pipeline", "--config", notMapping.toString(), "--lake", l}, "must be a mapping"),
            new Case("pipeline: YAML nested", new String[] {"pipeline", "--config", nested.toString(), "--lake", l}, "holds a mapping"),
            // prepare
            new Case("prepare: fault setting not a probability", new String[] {"prepare", "--input", data.toString(), "--clients", "4", "--conf",
                "spark.losslake.faults.lostCommitAck=abc", "--lake", l}, "Invalid spark.losslake.faults.lostCommitAck=abc: expected a probability between 0 and 1."),
            new Case("prepare: no such input", new String[] {"prepare", "--input", dir.resolve("missing").toString(), "--clients", "4", "--lake", l}, "missing"),
            new Case("prepare: corrupt IDX", new String[] {"prepare", "--input", corruptIdx.toString(), "--clients", "4", "--lake", l}, "corrupt-idx"),
            new Case("prepare: corrupt gzip", new String[] {"prepare", "--input", corruptGzip.toString(), "--clients", "4", "--lake", l}, "corrupt-gzip"),
            new Case("prepare: truncated gzip", new String[] {"prepare", "--input", truncatedGzip.toString(), "--clients", "4", "--lake", l}, "truncated-gzip"),
            new Case("prepare: empty folder", new String[] {"prepare", "--input", emptyFolder.toString(), "--clients", "4", "--lake", l}, "empty-folder"),
            new Case("prepare: unknown scheme", new String[] {"prepare", "--input", data.toString(), "--scheme", "zipf", "--lake", l}, "zipf"),
            new Case("prepare: zero clients", new String[] {"prepare", "--input", data.toString(), "--clients", "0", "--lake", l}, "--clients"),
            new Case("prepare: negative alpha", new String[] {"prepare", "--input", data.toString(), "--scheme", "dirichlet", "--alpha", "-1", "--clients", "4", "--lake", l},
                    "--alpha"),
            new Case("prepare: more clients than examples", new String[] {"prepare", "--input", data.toString(), "--clients", "1000", "--lake", l},
                    "1000"),
            new Case("prepare: unknown format", new String[] {"prepare", "--input", csvGood.toString(), "--format", "xlsx", "--lake", l}, "xlsx"),
            new Case("prepare: CSV without the label column", new String[] {"prepare", "--input", csvGood.toString(), "--format", "csv",
                "--label-column", "target", "--feature-columns", "x1,x2", "--clients", "2", "--lake", l}, "target"),
            new Case("prepare: CSV with NaN", new String[] {"prepare", "--input", csvNan.toString(), "--format", "csv", "--label-column", "label",
                "--feature-columns", "x1,x2", "--clients", "2", "--lake", l}, "NaN"),
            new Case("prepare: CSV with infinity", new String[] {"prepare", "--input", csvInf.toString(), "--format", "csv", "--label-column", "label",
                "--feature-columns", "x1,x2", "--clients", "2", "--lake", l}, "nf"),
            new Case("prepare: CSV with text in a feature", new String[] {"prepare", "--input", csvText.toString(), "--format", "csv",
                "--label-column", "label", "--feature-columns", "x1,x2", "--clients", "2", "--lake", l}, "x1"),
            new Case("prepare: CSV with no rows", new String[] {"prepare", "--input", csvHeaderOnly.toString(), "--format", "csv",
                "--label-column", "label", "--feature-columns", "x1,x2", "--clients", "2", "--lake", l}, "header.csv"),
            new Case("prepare: Parquet reader on a CSV", new String[] {"prepare", "--input", csvGood.toString(), "--format", "parquet",
                "--label-column", "label", "--feature-columns", "x1,x2", "--clients", "2", "--lake", l}, "good.csv"),
            // partitions
            new Case("partitions show: unknown plan", new String[] {"partitions", "show", "nope", "--lake", l}, "nope"),
            // federate
            new Case("federate: unknown plan", new String[] {"federate", "--plan", "nope", "--lake", l}, "nope"),
            new Case("federate: zero rounds", new String[] {"federate", "--plan", "p", "--rounds", "0", "--lake", l}, "--rounds 0"),
            new Case("federate: unknown strategy", new String[] {"federate", "--plan", "p", "--strategy", "fedsgd", "--lake", l}, "fedsgd"),
            new Case("federate: an option of another strategy", new String[] {"federate", "--plan", "p", "--mu", "0.1", "--lake", l}, "--mu"),
            new Case("federate: fraction above 1", new String[] {"federate", "--plan", "p", "--fraction", "2", "--lake", l}, "--fraction"),
            new Case("federate: unparsable model", new String[] {"federate", "--plan", "p", "--model", "mlp:abc", "--lake", l}, "mlp:abc"),
            new Case("federate: personal layer out of range", new String[] {"federate", "--plan", "p", "--personal-layers", "99", "--lake", l}, "99"),
            new Case("federate: dropout above 1", new String[] {"federate", "--plan", "p", "--dropout", "1.5", "--lake", l}, "--dropout"),
            new Case("federate: not a number", new String[] {"federate", "--plan", "p", "--lr", "fast", "--lake", l}, "fast"),
            new Case("federate: resume of an unknown run", new String[] {"federate", "--resume", "20260101-000000-000000", "--lake", l}, "no run"),
            new Case("federate: resume of a finished run", new String[] {"federate", "--resume", federateRun, "--lake", l}, "already finished"),
            new Case("federate: synthetic sets of no run", new String[] {"federate", "--plan", "p", "--synthetic", "x", "--lake", l}, "--synthetic x"),
            // compare
            new Case("compare: unknown strategy", new String[] {"compare", "--plan", "p", "--strategies", "fedavg,nope", "--lake", l}, "nope"),
            new Case("compare: seeds not numbers", new String[] {"compare", "--plan", "p", "--seeds", "a,b", "--lake", l}, "'a'"),
            // sweep
            new Case("sweep: no such file", new String[] {"sweep", "--config", dir.resolve("no.yaml").toString(), "--lake", l}, "no.yaml"),
            new Case("sweep: unknown key", new String[] {"sweep", "--config", sweepUnknown.toString(), "--lake", l}, "modelz"),
            new Case("sweep: unknown model", new String[] {"sweep", "--config", sweepBadModel.toString(), "--lake", l}, "transformer"),
            new Case("sweep: empty file", new String[] {"sweep", "--config", sweepEmpty.toString(), "--lake", l}, "sweep-empty.yaml"),
            new Case("sweep: no data budgets", new String[] {"sweep", "--config", sweepNoBudgets.toString(), "--lake", l}, "data-budgets"),
            new Case("sweep: malformed YAML", new String[] {"sweep", "--config", malformed.toString(), "--lake", l}, "is not valid YAML"),
            new Case("sweep: negative --commit-every", new String[] {"sweep", "--config", dir.resolve("sweep-ok.yaml").toString(), "--commit-every", "-1", "--lake", l},
                    "Invalid --commit-every -1.0: expected 0 or more seconds."),
            // study
            new Case("study: unknown sweep", new String[] {"study", "--sweep", "nope", "--lake", l}, "nope"),
            new Case("study: grid sweep", new String[] {"study", "--sweep", "ok", "--lake", l}, "isoflop"),
            // fit
            new Case("fit: unknown table", new String[] {"fit", "--table", "nope", "--lake", l}, "nope"),
            new Case("fit: a lake table without the flops column", new String[] {"fit", "--table", "round_metrics", "--lake", l}, "flops"),
            new Case("fit: unknown form", new String[] {"fit", "--form", "cubic", "--lake", l}, "cubic"),
            new Case("fit: table without the flops column", new String[] {"fit", "--input", fitWrongColumns.toString(), "--format", "csv",
                "--form", "power", "--lake", l}, "has no column"),
            new Case("fit: text in the loss column", new String[] {"fit", "--input", fitText.toString(), "--format", "csv", "--form", "power",
                "--lake", l}, "loss"),
            new Case("fit: NaN in the loss column", new String[] {"fit", "--input", fitNan.toString(), "--format", "csv", "--form", "power",
                "--lake", l}, "missing, non-positive or infinite"),
            new Case("fit: a filter that is not SQL", new String[] {"fit", "--where", "flops >>> 3", "--lake", l}, "--where"),
            new Case("fit: negative bootstrap", new String[] {"fit", "--bootstrap", "-1", "--lake", l}, "--bootstrap -1"),
            // fit-l2l
            new Case("fit-l2l: unknown side column", new String[] {"fit-l2l", "--side-column", "nope", "--x-side", "a", "--y-side", "b", "--pair-by", "run_key",
                "--lake", l},
                    "nope"),
            // barrier
            new Case("barrier: unknown run", new String[] {"barrier", "--run", "20260101-000000-000000", "--between", "global,client:0", "--lake", l},
                    "20260101-000000-000000"),
            new Case("barrier: bad alphas", new String[] {"barrier", "--run", federateRun, "--between", "global,client:0", "--alphas", "2,3",
                "--lake", l}, "--alphas"),
            new Case("barrier: neither --run nor --resume", new String[] {"barrier", "--between", "global,client:0", "--lake", l}, "--run RUN_ID"),
            new Case("barrier: resume of a federate run", new String[] {"barrier", "--resume", federateRun, "--lake", l}, "barrier --resume continues barrier runs only"),
            new Case("barrier: an option beside --resume", new String[] {"barrier", "--resume", federateRun, "--alphas", "midpoint", "--lake", l},
                    "--alphas is not taken beside it"),
            // distill
            new Case("distill: unknown plan", new String[] {"distill", "--plan", "nope", "--lake", l}, "nope"),
            new Case("distill: resume of an unknown run", new String[] {"distill", "--resume", "20260101-000000-000000", "--lake", l}, "no run"),
            new Case("distill: zero per class", new String[] {"distill", "--plan", "p", "--ipc", "0", "--lake", l}, "--ipc 0"),
            // report, config
            new Case("report: unknown run", new String[] {"report", "--run", "nope", "--lake", l}, "nope"),
            new Case("config show: unknown command", new String[] {"config", "show", "federat"}, "federat"),
            new Case("an unknown command", new String[] {"federat", "--lake", l}, "federat"),
            new Case("an unknown option", new String[] {"federate", "--plan", "p", "--roundz", "3", "--lake", l}, "--roundz")));

        Map<String, String> before = logs();
        assertThat(before).isNotEmpty();
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            Cli bad = Cli.run(c.args());
            String err = bad.err().strip();
            if (bad.status() != 2 || err.lines().count() != 1 || !err.contains(c.expected()) || err.contains("\tat ")) {
                failures.add(c.what() + ": exit " + bad.status() + ", " + err.lines().count() + " lines: " + err.lines().limit(3).toList());
            }
        }
        assertThat(failures).as(failures.size() + " of " + cases.size() + " inputs").isEmpty();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
        assertThat(logs()).as("every table's _delta_log").isEqualTo(before);
    }
}
