package io.losslake.spark.cli;

import io.losslake.spark.Main;
import io.losslake.spark.runtime.UserInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code losslake config show COMMAND [options]}: a command's effective configuration, as a YAML file of option values. */
@Command(name = "config", mixinStandardHelpOptions = true, subcommands = ConfigCommand.Show.class,
        description = "Shows what a command would run with; see 'losslake config show --help'.")
public final class ConfigCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {
                "Prints the effective configuration of COMMAND given the options that follow it (a --config FILE among them): every",
                "option with its value and where the value comes from, flag > --config file > default, each option's help as a comment.",
                "The output is itself a --config file of option values. Nothing runs and nothing is read from the lake."},
            footer = {"Example: losslake config show federate --config conf/federate/fmnist-dirichlet.yaml --rounds 5",
                "Exit status: 0 shown, 2 bad input (an unknown command, option or config key)."})
    public static final class Show implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "COMMAND", description = "The command, e.g. federate.")
        String command;

        @Unmatched
        List<String> rest = new ArrayList<>();

        @Override
        public Integer call() {
            CommandLine root = Main.commandLine();
            CommandLine target = root.getSubcommands().get(command);
            if (target == null || command.equals("config") || command.equals("help")) {
                throw new UserInputException("config show: unknown command '" + command + "'; expected one of "
                        + root.getSubcommands().keySet().stream().filter(c -> !c.equals("config") && !c.equals("help")).sorted()
                                .collect(Collectors.joining(", ")) + ".");
            }
            String[] args = rest.toArray(String[]::new);
            ConfigFile file = null;
            if (!Main.ownsConfig(command)) {
                Path path = ConfigFile.findIn(args);
                file = path == null ? null : ConfigFile.load(path);
            }
            if (file != null) {
                target.setDefaultValueProvider(file);
            }
            // a required option may still be missing here: show it as such instead of refusing (errors are collected, not
            // thrown, and only the missing-option ones are let pass)
            java.util.Set<String> required = new java.util.HashSet<>();
            for (OptionSpec o : target.getCommandSpec().options()) {
                if (o.required()) {
                    required.add(o.longestName());
                }
            }
            // parsed from the root: picocli cannot parse a subcommand on its own before its parent was parsed
            root.getCommandSpec().parser().collectErrors(true);
            target.getCommandSpec().parser().collectErrors(true);
            List<String> full = new ArrayList<>(List.of(command));
            full.addAll(rest);
            ParseResult top = root.parseArgs(full.toArray(String[]::new));
            List<Exception> errors = new ArrayList<>(top.errors());
            ParseResult parsed = top.subcommand();
            if (parsed == null) {
                throw new UserInputException("config show: could not read the options of '" + command + "'.");
            }
            errors.addAll(parsed.errors());
            for (Exception e : errors) {
                if (!(e instanceof CommandLine.MissingParameterException)) {
                    throw new UserInputException(e.getMessage() + (e.getMessage().endsWith(".") ? "" : ".") + " See 'losslake " + command + " --help'.", e);
                }
            }
            if (file != null) {
                file.checkKeysAgainst(target);
            }
            print(spec.commandLine().getOut(), command, target, parsed, file, required);
            return 0;
        }
    }

    static void print(PrintWriter out, String command, CommandLine target, ParseResult parsed, ConfigFile file, java.util.Set<String> required) {
        out.println("# losslake " + command + ": the effective configuration (flag > --config file > default).");
        out.println("# Use it as a file of option values: losslake " + command + " --config FILE");
        for (OptionSpec option : target.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp() || option.longestName().equals("--config") || option.longestName().equals("--federate-config")) {
                continue;
            }
            String key = option.longestName().replaceFirst("^-+", "");
            String source = parsed.hasMatchedOption(option) ? "flag" : file != null && file.has(key) ? "file" : "default";
            out.println();
            for (String line : option.description()) {
                for (String piece : wrap(line.replace("${DEFAULT-VALUE}", String.valueOf(option.defaultValue())).replace("%%", "%"), 96)) {
                    out.println("# " + piece);
                }
            }
            Object value = option.getValue();
            boolean unset = value == null || (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty());
            out.println((unset ? "# " + key + ":" : key + ": " + yaml(value)) + "    # "
                    + (unset && required.contains(option.longestName()) ? "required" : source));
        }
        out.flush();
    }

    private static String yaml(Object value) {
        if (value instanceof Collection<?> c) {
            return c.stream().map(ConfigCommand::yaml).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",", "'", "'"));
        }
        String text = String.valueOf(value);
        // quoted where YAML would read the text as something else (a comment, a mapping, a flow collection, a boolean)
        boolean plain = text.matches("[A-Za-z0-9_./:+,=-][A-Za-z0-9_./:+, =()<>*'-]*") && !text.contains(": ") && !text.endsWith(":")
                && !text.matches("(?i)y|n|yes|no|on|off|null|~") || value instanceof Number || value instanceof Boolean;
        return plain ? text : "'" + text.replace("'", "''") + "'";
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
