package io.losslake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What users look at, against one real lake holding a federated run (with barriers and the loss
 * decomposition), a sweep, a fit and a loss-to-loss fit: 'report' gives each run one
 * self-contained page with its curves and tables, and the federated page renders in headless
 * Chromium to a non-blank screenshot without a console message; every %spark.sql paragraph of
 * every Zeppelin note returns rows; a run the lake does not hold is bad input.
 */
class ViewsTest {
    static SparkSession spark;

    @TempDir
    static Path dir;
    static Path lake;
    static String federateRun;
    static String sweepRun;
    static String fitRun;
    /** The Spark UI description of every job the federated run started. */
    static final List<String> JOB_DESCRIPTIONS = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void prepare() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 200, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 80, 6, 4, 2), true);
        spark = TestSpark.builder().getOrCreate();
        lake = dir.resolve("lake");
        Cli prepared = Cli.run("prepare", "--input", data.toString(), "--dataset", "synthetic", "--scheme", "dirichlet", "--alpha", "0.5",
                "--clients", "4", "--min-size", "10", "--plan", "p", "--lake", lake.toString());
        assertThat(prepared.status()).as(prepared.err()).isZero();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
                JOB_DESCRIPTIONS.add(String.valueOf(job.properties().getProperty("spark.job.description")));
            }
        };
        spark.sparkContext().addSparkListener(listener);
        Cli run = Cli.run("federate", "--plan", "p", "--model", "mlp:8", "--rounds", "3", "--lr", "0.05", "--barriers-every", "1",
                "--barrier-sample", "40", "--decompose-sample", "40", "--seed", "2", "--lake", lake.toString());
        spark.sparkContext().listenerBus().waitUntilEmpty();
        spark.sparkContext().removeSparkListener(listener);
        assertThat(run.status()).as(run.err()).isZero();
        federateRun = runId(run, "federate");

        Path sweep = TinySweep.write(dir.resolve("sweep.yaml"), "r");
        Cli swept = Cli.run("sweep", "--config", sweep.toString(), "--lake", lake.toString());
        assertThat(swept.status()).as(swept.err()).isZero();
        sweepRun = runId(swept, "sweep r");
        Cli fit = Cli.run("fit", "--form", "power", "--bootstrap", "20", "--lake", lake.toString());
        assertThat(fit.status()).as(fit.err()).isZero();
        fitRun = spark.read().format("delta").load(lake.resolve("runs").toString()).where("command = 'fit'").first().getAs("run_id");
        assertThat(fit.out()).contains("(run " + fitRun + ")");
        Cli l2l = Cli.run("fit-l2l", "--side-column", "eval_set", "--x-side", "train", "--y-side", "test", "--pair-by", "run_key,step",
                "--lake", lake.toString());
        assertThat(l2l.status()).as(l2l.err()).isZero();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static String runId(Cli run, String command) {
        String prefix = "losslake " + command + ": run ";
        String line = run.out().lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(run.out()));
        return line.substring(prefix.length()).split("[ ,()]")[0];
    }

    static String report(String runId) throws IOException {
        Path out = dir.resolve("reports").resolve(runId + ".html");
        Cli report = Cli.run("report", "--run", runId, "--out", out.toString(), "--lake", lake.toString());
        assertThat(report.status()).as(report.err()).isZero();
        assertThat(report.out()).contains(out.toAbsolutePath().toString());
        String html = Files.readString(out);
        // self-contained: no script, nothing fetched; the only URL is SVG's namespace
        assertThat(html).doesNotContain("<script", " src=", " href=", "https://");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://");
        return html;
    }

    @Test
    void aFederatedRunsPageHoldsItsCurvesClientsAndBarriersAndRendersInChromium() throws Exception {
        String id = federateRun;
        String html = report(id);
        assertThat(html).contains("losslake federate: run " + id, "Test accuracy by round", "Loss by round", "Test loss against training compute",
                "Test accuracy against communication", "Loss decomposition by round", "Clients: data held against mean local training loss",
                "Barriers during the run", "SUCCEEDED", "fedavg");
        assertThat(html.split("<svg", -1)).hasSize(1 + 6);
        // one table row per round in the rounds table, its first cell the round
        for (int round = 1; round <= 3; round++) {
            assertThat(html).contains("<tr><td>" + round + "</td>");
        }
        Path page = dir.resolve("reports").resolve(id + ".html");
        Path latest = dir.resolve("latest.html");
        Cli last = Cli.run("report", "--run", "latest", "--out", latest.toString(), "--lake", lake.toString());
        assertThat(last.status()).as(last.err()).isZero();
        // the run that started last: fit-l2l, the last command of the set-up
        assertThat(Files.readString(latest)).contains("losslake fit-l2l: run ").doesNotContain("losslake federate: run " + id);
        Chromium.Rendering rendering = Chromium.render(page, dir.resolve("shot.png"));
        assertThat(rendering.console()).as("console messages of the page").isEmpty();
        assertThat(rendering.distinctColours()).as("colours in the screenshot").isGreaterThan(20);
        assertThat(rendering.inkShare()).as("share of non-white pixels").isGreaterThan(0.02);

        // the check sees what it is there to see: a page with a script error
        Path broken = dir.resolve("broken.html");
        Files.writeString(broken, "<!DOCTYPE html><html><body><p>x</p><script>console.error('deliberate'); missing();</script></body></html>");
        assertThat(Chromium.render(broken, dir.resolve("broken.png")).console()).anyMatch(l -> l.contains("deliberate"))
                .anyMatch(l -> l.contains("Uncaught ReferenceError"));
    }

    @Test
    void everySparkJobOfAFederatedRunCarriesAReadableDescription() {
        assertThat(JOB_DESCRIPTIONS).hasSizeGreaterThan(10).allSatisfy(d -> assertThat(d.replaceFirst("^(Delta: )+", "")).startsWith("losslake federate"));
        assertThat(JOB_DESCRIPTIONS).anyMatch(d -> d.contains("round 1, "))
                .anyMatch(d -> d.contains("rows to round_metrics")).anyMatch(d -> d.contains("in runs"));
    }

    @Test
    void aSweepsAndAFitsPagesHoldTheirCurvesAndLaws() throws IOException {
        assertThat(report(sweepRun)).contains("Test loss against training compute, one line per run", "mlp:4", "mlp:8", "centralised");
        assertThat(report(fitRun)).contains("Fitted laws", "alpha = ", "power", "bootstrap intervals");
    }

    @Test
    void everyNotebookQueryReturnsRowsFromARealLake() throws IOException {
        List<Path> notes;
        try (var files = Files.list(Path.of("..", "notebooks"))) {
            notes = files.filter(f -> f.toString().endsWith(".zpln")).sorted().toList();
        }
        assertThat(notes).hasSizeGreaterThanOrEqualTo(3);
        int queries = 0;
        for (Path note : notes) {
            com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(note.toFile());
            assertThat(root.get("version").asText()).as(note + " is a Zeppelin 0.11 note").startsWith("0.11");
            assertThat(root.get("name").asText()).as(note + "'s name").startsWith("losslake/");
            for (com.fasterxml.jackson.databind.JsonNode paragraph : root.get("paragraphs")) {
                String text = paragraph.get("text").asText();
                assertThat(text).as(note + ": every paragraph names its interpreter").startsWith("%");
                if (text.startsWith("%spark.sql")) {
                    // Zeppelin's dynamic form ${lake=default} becomes the lake of this test
                    String sql = text.substring("%spark.sql".length()).replaceAll("\\$\\{lake=[^}]*}", lake.toString());
                    assertThat(spark.sql(sql).collectAsList()).as(note + ": " + paragraph.get("title")).isNotEmpty();
                    queries++;
                }
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(12);
    }

    @Test
    void aRunTheLakeDoesNotHoldIsOneSentenceAndWritesNothing() throws IOException {
        Path out = dir.resolve("nothing").resolve("x.html");
        Cli bad = Cli.run("report", "--run", "20260101-000000-abcdef", "--out", out.toString(), "--lake", lake.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err().strip().lines()).as(bad.err()).hasSize(1);
        assertThat(bad.err()).contains("has no run with that id");
        assertThat(out.getParent()).doesNotExist();
    }

    /** Headless Chromium (Debian's chromium; .ci/run installs it): a screenshot and the page's console messages. */
    static final class Chromium {
        record Rendering(List<String> console, int distinctColours, double inkShare) {
        }

        static Rendering render(Path page, Path screenshot) throws IOException, InterruptedException {
            String binary = List.of("chromium", "chromium-browser", "google-chrome").stream()
                    .filter(b -> System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
                            .anyMatch(d -> Files.isExecutable(Path.of(d, b))))
                    .findFirst().orElseThrow(() -> new AssertionError("the report render test needs headless Chromium: apt-get install chromium"));
            Path log = screenshot.resolveSibling(screenshot.getFileName() + ".log");
            Process p = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,2400",
                    "--enable-logging=stderr", "--v=0", "--user-data-dir=" + dir.resolve("chromium-profile"), "--screenshot=" + screenshot,
                    page.toUri().toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
            assertThat(p.exitValue()).as(Files.readString(log)).isZero();
            List<String> console = Files.readAllLines(log).stream().filter(l -> l.contains(":CONSOLE")).toList();
            BufferedImage image = ImageIO.read(screenshot.toFile());
            Set<Integer> colours = new HashSet<>();
            long ink = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y) & 0xFFFFFF;
                    colours.add(rgb);
                    ink += rgb == 0xFFFFFF ? 0 : 1;
                }
            }
            return new Rendering(new ArrayList<>(console), colours.size(), ink / (double) ((long) image.getWidth() * image.getHeight()));
        }
    }
}
