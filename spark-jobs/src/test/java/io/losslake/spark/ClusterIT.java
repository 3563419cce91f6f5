package io.losslake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.data.IdxWriter;
import io.losslake.data.testing.SyntheticImages;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's spark-submit section, run as written against a real standalone cluster: a Master and
 * two Workers in their own JVMs on 127.0.0.1, started from a SPARK_HOME laid out as a distribution
 * has it (module spark-home: Spark 3.5.9's jars from Maven Central, Spark's own launcher behind
 * bin/spark-class), executors launched by the Workers, conf/spark-defaults.cpu.conf as the cluster's
 * spark-defaults.conf. The tables it writes must equal those of an embedded run of the same commands.
 */
class ClusterIT {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path SPARK_DIST = REPO.resolve("spark-home/target/spark-home");
    static final List<String> TABLES = List.of("examples", "partitions", "partition_stats", "round_metrics", "checkpoints", "scaling_fits");

    static final String QUICK_JVM = LauncherIT.QUICK_JVM;

    @TempDir
    static Path dir;
    static Path sparkHome;
    static Path data;
    static final List<Process> cluster = new ArrayList<>();
    static String masterUrl;

    @BeforeAll
    static void startCluster() throws Exception {
        assertThat(SPARK_DIST.resolve("jars")).as("the spark-home module's layout; build the reactor (mvn -B verify)").isDirectory();
        data = Files.createDirectories(dir.resolve("synthetic"));
        IdxWriter.writeSplit(data, "train", SyntheticImages.generate("train", 200, 6, 4, 1), true);
        IdxWriter.writeSplit(data, "t10k", SyntheticImages.generate("test", 80, 6, 4, 2), false);

        // SPARK_HOME as an admin has it: the distribution, and a conf/ of its own
        sparkHome = Files.createDirectories(dir.resolve("spark"));
        Files.createSymbolicLink(sparkHome.resolve("jars"), SPARK_DIST.resolve("jars"));
        Files.copy(SPARK_DIST.resolve("RELEASE"), sparkHome.resolve("RELEASE"));
        Files.createDirectories(sparkHome.resolve("bin"));
        Files.createDirectories(sparkHome.resolve("conf"));
        for (String script : List.of("spark-class", "spark-submit")) {
            Path copy = Files.copy(SPARK_DIST.resolve("bin").resolve(script), sparkHome.resolve("bin").resolve(script));
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // The cluster's own tuning for its size (two one-core executors), beside what the README appends. Short-lived JVMs
        // on 2 cores: C1 only and the serial collector halve a submit's wall time (76 -> 38 s for prepare) and change no
        // number the executors compute. The driver keeps the default JIT: the fit's many starts run there.
        // defaultJavaOptions come before the extraJavaOptions the README's file sets.
        Files.writeString(sparkHome.resolve("conf/spark-defaults.conf"), String.join("\n",
                "spark.databricks.delta.snapshotPartitions 2",
                "spark.sql.shuffle.partitions 4",
                "spark.ui.enabled false",
                "spark.driver.defaultJavaOptions -XX:+UseSerialGC",
                "spark.executor.defaultJavaOptions " + QUICK_JVM, ""));

        int port = freePort();
        masterUrl = "spark://127.0.0.1:" + port;
        Process master = daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--webui-port", "0");
        for (int w = 1; w <= 2; w++) {
            daemon("worker" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "1536m",
                    "--webui-port", "0", "--work-dir", dir.resolve("work" + w).toString(), masterUrl);
        }
        awaitLog(dir.resolve("master.log"), "Registering worker", 2, master);
    }

    static Process daemon(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(sparkHome.resolve("bin/spark-class").toString(), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        environment(builder.environment());
        Process process = builder.start();
        cluster.add(process);
        return process;
    }

    static void environment(Map<String, String> env) {
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_DAEMON_JAVA_OPTS", QUICK_JVM);
        env.remove("SPARK_CONF_DIR");
        env.remove("SPARK_SCALA_VERSION"); // bin/spark-class sets it, as a distribution's load-spark-env.sh does
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void awaitLog(Path log, String line, int times, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.split(Pattern.quote(line), -1).length - 1 >= times) {
                return;
            }
            assertThat(process.isAlive()).as(log + ":\n" + text).isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("no " + times + " x '" + line + "' in " + log + ":\n" + Files.readString(log));
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        for (int i = cluster.size() - 1; i >= 0; i--) {
            cluster.get(i).destroy(); // SIGTERM: a Worker's shutdown hook stops its executors
        }
        for (Process p : cluster) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** The README's block that this test runs, between its marker comment and the closing fence. */
    static String readmeBlock() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<!-- ClusterIT runs this block -->\\s*```bash\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README.md has the spark-submit block marked for ClusterIT").isTrue();
        return m.group(1);
    }

    /** The losslake arguments of each spark-submit command in the block, with the block's variables filled in. */
    static List<String[]> losslakeCommands(String block, Map<String, String> vars) {
        List<String[]> commands = new ArrayList<>();
        for (String line : block.replace("\\\n", " ").split("\n")) {
            int jar = line.indexOf("losslake.jar");
            if (!line.contains("spark-submit") || jar < 0) {
                continue;
            }
            String[] args = line.substring(jar + "losslake.jar".length()).replaceAll("#.*", "").trim().split("\\s+");
            for (int i = 0; i < args.length; i++) {
                String arg = args[i].replace("\"", "");
                for (Map.Entry<String, String> v : vars.entrySet()) {
                    arg = arg.replace("$" + v.getKey(), v.getValue());
                }
                args[i] = arg;
            }
            commands.add(args);
        }
        return commands;
    }

    @Test
    void theReadmesSparkSubmitLinesRunOnAStandaloneClusterAndWriteTheTablesOfAnEmbeddedRun() throws Exception {
        Path clusterLake = dir.resolve("cluster-lake");
        Path embeddedLake = dir.resolve("embedded-lake");
        String block = readmeBlock();

        List<String[]> commands = losslakeCommands(block, Map.of("LAKE", embeddedLake.toString(), "DATA", data.toString()));
        assertThat(commands).extracting(c -> c[0]).containsExactly("prepare", "federate", "fit");

        // The same commands embedded (local[2], in this JVM), at the same time as the cluster's: the cluster's applications
        // spend much of their time starting JVMs and registering executors, which leaves a core to spare (it cut the
        // test's time by a third).
        CompletableFuture<Double> embedded = CompletableFuture.supplyAsync(() -> {
            long t1 = System.nanoTime();
            for (String[] command : commands) {
                Cli run = Cli.run(Cli.concat(command, "--master", "local[2]"));
                assertThat(run.status()).as(String.join(" ", command) + " embedded\n" + run.err()).isZero();
            }
            return (System.nanoTime() - t1) / 1e9;
        });

        // on the cluster, through bash, exactly as the README says
        ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", block).directory(REPO.toFile())
                .redirectOutput(dir.resolve("submit.out").toFile()).redirectError(dir.resolve("submit.err").toFile());
        environment(bash.environment());
        bash.environment().putAll(Map.of("MASTER", masterUrl, "LAKE", clusterLake.toString(), "DATA", data.toString()));
        long t0 = System.nanoTime();
        Process submit = bash.start();
        assertThat(submit.waitFor(9, TimeUnit.MINUTES)).as("the README's spark-submit block finished").isTrue();
        String out = Files.readString(dir.resolve("submit.out"));
        assertThat(submit.exitValue()).as(out + "\n" + tail(dir.resolve("submit.err"), 60)).isZero();
        System.out.printf("ClusterIT: the README's block ran on the cluster in %.0f s%n", (System.nanoTime() - t0) / 1e9);

        // the work ran in executors that the Workers launched, on both of them, for every application
        for (int w = 1; w <= 2; w++) {
            try (Stream<Path> apps = Files.list(dir.resolve("work" + w))) {
                assertThat(apps.filter(p -> p.getFileName().toString().startsWith("app-")).count()).as("applications on worker " + w)
                        .isEqualTo(commands.size());
            }
        }
        try {
            System.out.printf("ClusterIT: embedded in %.0f s%n", embedded.get(5, TimeUnit.MINUTES));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError failure) {
                throw failure;
            }
            throw e;
        }
        SparkSession spark = TestSpark.builder().getOrCreate();
        try {
            List<Row> runs = spark.read().format("delta").load(clusterLake.resolve("runs").toString()).collectAsList();
            assertThat(runs).hasSize(commands.size()).allSatisfy(r -> {
                assertThat(r.<String>getAs("status")).isEqualTo("SUCCEEDED");
                assertThat(r.<String>getAs("spark_master")).isEqualTo(masterUrl);
            });
            for (String table : TABLES) {
                List<String> onCluster = TableContents.rows(spark, clusterLake.resolve(table));
                assertThat(onCluster).as(table).isNotEmpty();
                assertThat(onCluster).as(table + " written on the cluster vs embedded").isEqualTo(TableContents.rows(spark, embeddedLake.resolve(table)));
            }
        } finally {
            spark.stop();
        }
    }

    static String tail(Path file, int lines) throws IOException {
        List<String> all = Files.readAllLines(file);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
