package io.losslake.spark.cli;

import io.losslake.spark.runtime.UserInputException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A YAML file of option values: each key is a command's long option name without the dashes
 * ({@code clients: 10} stands for {@code --clients 10}). Its values become the options' defaults,
 * so flags on the command line override the file. Unknown keys are an error, not a silent no-op.
 */
public final class ConfigFile implements CommandLine.IDefaultValueProvider {
    private final Path path;
    private final Map<String, String> values;

    private ConfigFile(Path path, Map<String, String> values) {
        this.path = path;
        this.values = values;
    }

    /** The flags that name a file of option values ({@code compare} also calls its {@code --federate-config}). */
    private static final List<String> FLAGS = List.of("--config", "--federate-config");

    /** The {@code --config} argument in {@code args}, if any ({@code --config F} or {@code --config=F}). */
    public static Path findIn(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                return null;
            }
            for (String flag : FLAGS) {
                if (args[i].equals(flag) && i + 1 < args.length) {
                    return Path.of(args[i + 1]);
                }
                if (args[i].startsWith(flag + "=")) {
                    return Path.of(args[i].substring(flag.length() + 1));
                }
            }
        }
        return null;
    }

    public static ConfigFile load(Path path) {
        Object tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readValue(Files.readString(path), Object.class);
        } catch (NoSuchFileException e) {
            throw new UserInputException("--config " + path + " does not exist; expected a YAML file of option values.");
        } catch (JsonProcessingException e) {
            throw new UserInputException("--config " + path + " is not valid YAML: " + io.losslake.spark.runtime.YamlErrors.describe(e) + ".");
        } catch (IOException e) {
            throw new UserInputException("--config " + path + " could not be read: " + e.getMessage() + ".");
        }
        if (tree == null) {
            return new ConfigFile(path, Map.of());
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new UserInputException("--config " + path + " must be a mapping of option names to values, e.g. 'clients: 10'.");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            if (value instanceof Map) {
                throw new UserInputException("--config " + path + ": key '" + key + "' holds a mapping; expected a single value or a list.");
            }
            values.put(key, value instanceof List<?> list
                    ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                    : String.valueOf(value));
        }
        return new ConfigFile(path, values);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec option) {
            return values.get(key(option));
        }
        return null;
    }

    /** Whether the file gives {@code key} (an option's long name without the dashes). */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** Fails if the file names a key that {@code command} has no option for. */
    public void checkKeysAgainst(CommandLine command) {
        Set<String> known = new TreeSet<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp() && !FLAGS.contains(option.longestName())) {
                known.add(key(option));
            }
        }
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new UserInputException("--config " + path + ": unknown key '" + key + "' for '" + command.getCommandName()
                        + "'; expected one of " + String.join(", ", known) + ".");
            }
        }
    }

    private static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }
}
