package io.losslake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/losslake as a user runs it: a separate JVM on the shaded jar plus Spark's classpath. Also
 * the spark-submit contract: a master given as the spark.master system property (what spark-submit
 * sets) is the one the job runs under.
 */
class LauncherIT {
    static final Path LAUNCHER = Path.of("..", "bin", "losslake").toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    static Path data;

    record Result(int status, String out, String err) {
    }

    @BeforeAll
    static void data() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 200, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 80, 6, 4, 2), false);
    }

    static Result launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("launcher finished").isTrue();
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandHasHelpAndTheVersionIsReported() throws Exception {
        Result help = launch(Map.of(), "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("pipeline", "Usage: losslake");
        Result pipelineHelp = launch(Map.of(), "pipeline", "--help");
        assertThat(pipelineHelp.status()).isZero();
        assertThat(pipelineHelp.out()).contains("--clients", "--rounds", "--lake", "--master", "--config");
        Result version = launch(Map.of(), "--version");
        assertThat(version.out()).startsWith("losslake ").doesNotContain("unknown");
    }

    @Test
    void badInputExitsWith2AndOneSentence() throws Exception {
        Result bad = launch(Map.of(), "pipeline", "--clients", "0", "--lake", dir.resolve("never").toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("losslake: Invalid --clients 0: expected at least 1 client.");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void runsThePipelineEmbeddedUnderTheMasterSparkSubmitWouldSet() throws Exception {
        Path lake = dir.resolve("lake");
        Result run = launch(Map.of("LOSSLAKE_JAVA_OPTS", "-Dspark.master=local[1]"), "pipeline", "--data", data.toString(),
                "--classes", "4", "--clients", "2", "--rounds", "2", "--model", "mlp:8", "--lr", "0.05", "--lake", lake.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("round 1/2", "round 2/2", "SUCCEEDED");
        // Spark stays quiet on the console: no INFO lines.
        assertThat(run.err()).doesNotContain(" INFO ");

        SparkSession spark = TestSpark.builder().getOrCreate();
        try {
            Row row = spark.read().format("delta").load(lake.resolve("runs").toString()).first();
            assertThat(row.<String>getAs("spark_master")).isEqualTo("local[1]");
            assertThat(row.<String>getAs("status")).isEqualTo("SUCCEEDED");
            assertThat(spark.read().format("delta").load(lake.resolve("round_metrics").toString()).count()).isEqualTo(2);
        } finally {
            spark.stop();
        }
    }
}
