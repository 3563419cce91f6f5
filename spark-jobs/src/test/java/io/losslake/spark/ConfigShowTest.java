package io.losslake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 'config show': a command's effective configuration with each value's source (flag > file >
 * default), printed as a file of option values that reads back to the same configuration; the
 * shipped example of every command is exactly what it prints; bad input is one sentence.
 */
class ConfigShowTest {
    @TempDir
    Path dir;

    @Test
    void flagsOverrideTheFileWhichOverridesTheDefaultsAndTheOutputReadsBackAsTheSameConfiguration() throws IOException {
        Path file = dir.resolve("f.yaml");
        Files.writeString(file, "plan: p\nrounds: 3\nlr: 0.1\nstrategy: fedprox\nmu: 0.05\npersonal-layers: [1, 2]\n");
        Cli shown = Cli.run("config", "show", "federate", "--config", file.toString(), "--rounds", "7");
        assertThat(shown.status()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("rounds: 7    # flag", "lr: 0.1    # file", "batch-size: 32    # default", "plan: p    # file",
                "strategy: fedprox    # file", "mu: 0.05    # file", "personal-layers: [1, 2]    # file", "# Local minibatch size. Default: 32.");
        Map<?, ?> yaml = new ObjectMapper(new YAMLFactory()).readValue(shown.out(), Map.class);
        assertThat(yaml.get("rounds")).isEqualTo(7);
        assertThat(yaml.get("lr")).isEqualTo(0.1);

        // the printed configuration, given back as a file, is the same configuration
        Path again = dir.resolve("again.yaml");
        Files.writeString(again, shown.out());
        Cli reread = Cli.run("config", "show", "federate", "--config", again.toString());
        assertThat(reread.status()).as(reread.err()).isZero();
        assertThat(values(reread.out())).isEqualTo(values(shown.out()));
    }

    @Test
    void everyCommandsShippedExampleIsWhatConfigShowPrints() throws IOException {
        Path examples = Path.of("..", "conf", "examples");
        List<String> commands = List.of("pipeline", "prepare", "federate", "compare", "distill", "barrier", "study", "fit", "fit-l2l", "report");
        for (String command : commands) {
            Cli shown = Cli.run("config", "show", command);
            assertThat(shown.status()).as(command + ": " + shown.err()).isZero();
            Path example = examples.resolve(command + ".yaml");
            assertThat(example).as("conf/examples/" + command + ".yaml; regenerate with: bin/losslake config show " + command + " > " + example).exists();
            assertThat(Files.readString(example)).as("conf/examples/" + command + ".yaml is stale; regenerate it with bin/losslake config show " + command)
                    .isEqualTo(shown.out());
        }
    }

    @Test
    void anUnknownCommandOptionOrKeyIsOneSentence() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "roundz: 3\n");
        Object[][] cases = {
            {new String[] {"config", "show", "federat"}, "unknown command 'federat'; expected one of"},
            {new String[] {"config", "show", "federate", "--roundz", "3"}, "'--roundz'"},
            {new String[] {"config", "show", "federate", "--config", file.toString()}, "unknown key 'roundz' for 'federate'; expected one of"},
            {new String[] {"config", "show", "federate", "--config", dir.resolve("none.yaml").toString()}, "does not exist"},
        };
        for (Object[] c : cases) {
            Cli bad = Cli.run((String[]) c[0]);
            assertThat(bad.status()).as(bad.err()).isEqualTo(2);
            assertThat(bad.err().strip().lines()).as(bad.err()).hasSize(1);
            assertThat(bad.err()).contains((String) c[1]);
        }
    }

    private static List<String> values(String shown) {
        return shown.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.replaceAll("\\s+#.*$", "")).toList();
    }
}
