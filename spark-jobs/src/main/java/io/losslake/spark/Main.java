package io.losslake.spark;

import io.losslake.spark.bench.BenchCommand;
import io.losslake.spark.cli.BarrierCommand;
import io.losslake.spark.cli.CompareCommand;
import io.losslake.spark.cli.ConfigCommand;
import io.losslake.spark.cli.DistillCommand;
import io.losslake.spark.cli.ReportCommand;
import io.losslake.spark.cli.ConfigFile;
import io.losslake.spark.cli.FederateCommand;
import io.losslake.spark.cli.FitCommand;
import io.losslake.spark.cli.LossToLossCommand;
import io.losslake.spark.cli.PartitionsCommand;
import io.losslake.spark.cli.PipelineCommand;
import io.losslake.spark.cli.PrepareCommand;
import io.losslake.spark.cli.StudyCommand;
import io.losslake.spark.cli.SweepCommand;
import io.losslake.spark.runtime.UserInputException;
import io.losslake.spark.runtime.Version;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/** The {@code losslake} command line; {@code bin/losslake} and {@code spark-submit} both start here. */
@Command(name = "losslake", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        subcommands = {PipelineCommand.class, PrepareCommand.class, PartitionsCommand.class, FederateCommand.class, CompareCommand.class,
            FitCommand.class, LossToLossCommand.class, SweepCommand.class, StudyCommand.class, BarrierCommand.class, DistillCommand.class,
            ReportCommand.class, BenchCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class},
        description = {"Federated training simulations and scaling-law fits as Spark pipelines over a Delta lake.",
            "Run 'losslake <command> --help' for a command's options."})
public final class Main implements Runnable {
    /** Exit status for input a user can fix: bad options, missing or corrupt files. */
    public static final int BAD_INPUT = 2;
    /** Exit status for a run that failed after it started. */
    public static final int FAILED = 1;
    /** Exit status of a check that found no device to run on: {@code bench gpu} without a usable GPU. */
    public static final int NO_DEVICE = 3;
    /** Commands whose --config is their own file format rather than a file of option values. */
    private static final java.util.Set<String> OWN_CONFIG = java.util.Set.of("sweep", "config");

    /** Whether {@code command}'s --config is its own file format rather than a file of option values. */
    public static boolean ownsConfig(String command) {
        return OWN_CONFIG.contains(command);
    }

    /** The command line with every command, help reflowed, as {@link #execute} runs it. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setOverwrittenOptionsAllowed(true); // the last of a repeated flag wins, as in most tools
        cli.setUsageHelpAutoWidth(true);
        reflowHelp(cli);
        return cli;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int status = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        System.exit(status);
    }

    /** Runs the command line in this JVM and returns its exit status. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        ConfigFile config;
        try {
            io.losslake.federated.fused.FusedNetworks.checkBlasSetting();
        } catch (IllegalArgumentException e) {
            err.println("losslake: " + e.getMessage());
            err.flush();
            return BAD_INPUT;
        }
        try {
            // sweep's --config is a sweep description, not option values
            boolean ownConfig = args.length > 0 && OWN_CONFIG.contains(args[0]);
            Path configPath = ownConfig ? null : ConfigFile.findIn(args);
            config = configPath == null ? null : ConfigFile.load(configPath);
        } catch (UserInputException e) {
            err.println("losslake: " + e.getMessage());
            err.flush();
            return BAD_INPUT;
        }
        if (config != null) {
            cli.setDefaultValueProvider(config);
        }
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println("losslake: " + e.getMessage()
                    + (e.getMessage().endsWith(".") ? "" : ".") + " See 'losslake " + command.getCommandName() + " --help'.");
            command.getErr().flush();
            return BAD_INPUT;
        });
        cli.setExecutionStrategy((ParseResult parsed) -> {
            if (config != null) {
                try {
                    config.checkKeysAgainst(lastSubcommand(parsed));
                } catch (UserInputException e) {
                    err.println("losslake: " + e.getMessage());
                    err.flush();
                    return BAD_INPUT;
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            Throwable cause = e;
            if (cause instanceof UserInputException) {
                command.getErr().println("losslake: " + cause.getMessage());
                command.getErr().flush();
                return BAD_INPUT;
            }
            command.getErr().println("losslake " + command.getCommandName() + " failed: " + cause);
            cause.printStackTrace(command.getErr());
            command.getErr().flush();
            return FAILED;
        });
        try {
            return cli.execute(args);
        } finally {
            io.losslake.spark.lake.WriterLease.releaseAll(); // the next command in this JVM (a notebook, a test) takes its own
        }
    }

    /**
     * Descriptions are written as several source lines; joined into paragraphs (an empty line ends
     * one), picocli wraps them to the terminal's width instead of breaking each source line again.
     */
    private static void reflowHelp(CommandLine cli) {
        CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
        // the command's description comes back interpolated: its '%' must be escaped again for the formatter
        spec.usageMessage().description(java.util.Arrays.stream(paragraphs(spec.usageMessage().description()))
                .map(line -> line.replace("%", "%%")).toArray(String[]::new));
        java.util.List<CommandLine.Model.OptionSpec> options = new java.util.ArrayList<>(spec.options());
        options.forEach(spec::remove); // and added back in their order
        for (CommandLine.Model.OptionSpec o : options) {
            CommandLine.Model.OptionSpec.Builder b = o.toBuilder(); // the builder holds the raw text, ${DEFAULT-VALUE} and all
            spec.addOption(b.description(paragraphs(b.description())).build());
        }
        cli.getSubcommands().values().forEach(Main::reflowHelp);
    }

    private static String[] paragraphs(String[] lines) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            if (line.isBlank()) {
                if (current.length() > 0) {
                    out.add(current.toString());
                    current.setLength(0);
                }
                out.add("");
            } else {
                current.append(current.length() > 0 ? " " : "").append(line.strip());
            }
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out.toArray(String[]::new);
    }

    private static CommandLine lastSubcommand(ParseResult parsed) {
        ParseResult p = parsed;
        while (p.hasSubcommand()) {
            p = p.subcommand();
        }
        return p.commandSpec().commandLine();
    }

    /** Reports the version this jar was built as. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"losslake " + Version.current()};
        }
    }
}
