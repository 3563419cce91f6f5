package io.losslake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * conf/airflow/losslake_dag.py, imported by Python against a stub of the Airflow API it uses (Airflow
 * is not installable here): the task graph is prepare -> federate (mapped, one instance per
 * strategy) -> sweep -> fit, nightly without catch-up, every task a spark-submit of the losslake jar
 * through its main class with the jar, lake and Spark connection taken from DAG params; and every
 * losslake command and option the DAG passes exists, checked against the commands' own --help.
 */
class AirflowDagTest {
    @Test
    void theDagsGraphParamsAndEveryCommandLineItSubmitsAreLosslakes() throws Exception {
        Path checker = Path.of("src", "test", "resources", "airflow-stub", "check_dag.py");
        Path out = Files.createTempFile("dag", ".json");
        Process python = new ProcessBuilder("python3", checker.toString(), Path.of("..", "conf", "airflow", "losslake_dag.py").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(Files.readString(out)).isZero();
        JsonNode dag = new ObjectMapper().readTree(out.toFile());

        assertThat(dag.get("dag_id").asText()).isEqualTo("losslake_nightly");
        assertThat(dag.get("schedule").asText()).isEqualTo("0 2 * * *");
        assertThat(dag.get("catchup").asBoolean()).isFalse();
        assertThat(dag.get("params").fieldNames()).toIterable().contains("jar", "lake", "spark_conn_id", "strategies");
        List<String> edges = new ArrayList<>();
        dag.get("edges").forEach(e -> edges.add(e.get(0).asText() + " -> " + e.get(1).asText()));
        assertThat(edges).containsExactlyInAnyOrder("prepare -> federate", "federate_arguments -> federate", "federate -> sweep", "sweep -> fit");

        Map<String, List<List<String>>> commandLines = new HashMap<>();
        for (JsonNode task : dag.get("tasks")) {
            String id = task.get("task_id").asText();
            if (task.get("kind").asText().equals("python")) {
                continue;
            }
            // every spark-submit task: the jar, the main class and the connection from the DAG's params
            assertThat(task.get("application").asText()).as(id).isEqualTo(dag.get("params").get("jar").asText());
            assertThat(task.get("java_class").asText()).as(id).isEqualTo("io.losslake.spark.Main");
            assertThat(task.get("conn_id").asText()).as(id).isEqualTo(dag.get("params").get("spark_conn_id").asText());
            List<List<String>> lines = new ArrayList<>();
            if (task.get("kind").asText().equals("mapped")) {
                assertThat(task.get("mapped").get(0).get("argument").asText()).isEqualTo("application_args");
                task.get("mapped").get(0).get("values").forEach(v -> lines.add(strings(v)));
            } else {
                lines.add(strings(task.get("application_args")));
            }
            commandLines.put(id, lines);
        }
        assertThat(commandLines).containsOnlyKeys("prepare", "federate", "sweep", "fit");
        // one federate per strategy of the params, each into the params' lake
        List<String> strategies = strings(dag.get("params").get("strategies"));
        assertThat(commandLines.get("federate")).hasSize(strategies.size());
        for (int i = 0; i < strategies.size(); i++) {
            List<String> line = commandLines.get("federate").get(i);
            assertThat(line.get(line.indexOf("--strategy") + 1)).isEqualTo(strategies.get(i));
        }
        String federateHelp = Cli.run("federate", "--help").out();
        strategies.forEach(s -> assertThat(federateHelp).as("federate --help lists strategy " + s).contains(s));

        int options = 0;
        for (List<List<String>> lines : commandLines.values()) {
            for (List<String> line : lines) {
                assertThat(line.get(line.indexOf("--lake") + 1)).isEqualTo(dag.get("params").get("lake").asText());
                Cli help = Cli.run(line.get(0), "--help");
                assertThat(help.status()).as(line.get(0) + " --help: " + help.err()).isZero();
                for (String word : line) {
                    if (word.startsWith("--")) {
                        assertThat(help.out()).as("'losslake " + line.get(0) + " --help' names " + word).containsPattern("(^|[\\s,])" + word + "[=\\s,]");
                        options++;
                    }
                }
            }
        }
        assertThat(options).isGreaterThan(20);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
