package io.losslake.spark.cli;

import io.losslake.federated.strategy.Strategies;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import io.losslake.spark.LakeSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code losslake compare}: the same federated setting under several strategies and seeds, summarised. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs 'federate' once per strategy and seed (each run lands in the lake under its own run_id) and prints",
            "the mean and standard deviation over seeds of each strategy's best and final test accuracy.",
            "Every other option is passed to federate; strategy options (--mu, --margin-lambda, ...) go only to the",
            "strategies that take them."},
        footer = {"", "Example: losslake compare --strategies fedavg,fedprox,fedld --seeds 1,2,3 --federate-config conf/experiments/noniid-dir0.1.yaml"})
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--strategies", split = ",", required = true, description = "Strategies to compare, e.g. fedavg,fedprox,fedld.")
    List<String> strategies;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "Seeds of each strategy's runs. Default: ${DEFAULT-VALUE}.")
    List<Long> seeds;

    @Option(names = "--federate-config", paramLabel = "FILE", description = "A federate YAML file (its keys are federate options) applied to every run.")
    Path config;

    @Mixin
    SparkOptions sparkOptions;

    @Unmatched
    List<String> federateArgs = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String s : strategies) {
            if (!Strategies.NAMES.contains(s.toLowerCase(java.util.Locale.ROOT))) {
                throw new UserInputException("Invalid --strategies entry '" + s + "': expected some of " + String.join(", ", Strategies.NAMES) + ".");
            }
        }
        ConfigFile yaml = config == null ? null : ConfigFile.load(config);
        List<String[]> table = new ArrayList<>();
        // one Spark session for every run: the federate runs below reuse it instead of starting their own
        try (LakeSession session = LakeSession.open("losslake compare", sparkOptions)) {
            String lake = session.qualifyLake(sparkOptions.lake());
            runAll(out, yaml, table, lake);
        }
        out.println();
        out.printf("%-14s %5s %22s %22s  %s%n", "strategy", "seeds", "best acc (mean ± sd)", "final acc (mean ± sd)", "run ids");
        for (String[] row : table) {
            out.printf("%-14s %5s %22s %22s  %s%n", (Object[]) row);
        }
        out.flush();
        return 0;
    }

    private void runAll(PrintWriter out, ConfigFile yaml, List<String[]> table, String lake) {
        for (String strategy : strategies) {
            List<Double> best = new ArrayList<>();
            List<Double> last = new ArrayList<>();
            List<String> runIds = new ArrayList<>();
            for (long seed : seeds) {
                List<String> args = new ArrayList<>(forStrategy(strategy, federateArgs));
                args.addAll(List.of("--strategy", strategy, "--seed", Long.toString(seed), "--lake", lake));
                FederateCommand run = new FederateCommand();
                CommandLine cli = new CommandLine(run);
                cli.setOverwrittenOptionsAllowed(true);
                if (yaml != null) {
                    cli.setDefaultValueProvider(new StrategyFilter(yaml, strategy));
                }
                try {
                    cli.parseArgs(args.toArray(String[]::new));
                } catch (CommandLine.ParameterException e) {
                    throw new UserInputException(e.getMessage(), e);
                }
                run.spec = cli.getCommandSpec();
                out.printf("%n== %s, seed %d ==%n", strategy, seed);
                out.flush();
                FederateCommand.Outcome outcome = run.execute(out);
                best.add(outcome.bestAccuracy());
                last.add(outcome.finalAccuracy());
                runIds.add(outcome.runId());
            }
            table.add(new String[] {strategy, Integer.toString(seeds.size()), meanSd(best), meanSd(last), String.join(" ", runIds)});
        }
    }

    /** The federate arguments minus strategy options this strategy does not take. */
    static List<String> forStrategy(String strategy, List<String> args) {
        Map<String, String> accepted = Strategies.optionsOf(strategy);
        List<String> all = new ArrayList<>();
        for (String name : Strategies.NAMES) {
            all.addAll(Strategies.optionsOf(name).keySet());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0] : null;
            if (name != null && all.contains(name) && !accepted.containsKey(name)) {
                if (!a.contains("=") && i + 1 < args.size()) {
                    i++; // skip its value too
                }
                continue;
            }
            out.add(a);
        }
        return out;
    }

    private static String meanSd(List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double var = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / Math.max(1, values.size() - 1);
        return String.format("%.4f ± %.4f", mean, Math.sqrt(var));
    }

    /** A config file's values, without the strategy options the strategy does not take. */
    private record StrategyFilter(ConfigFile yaml, String strategy) implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) throws Exception {
            if (arg instanceof CommandLine.Model.OptionSpec option) {
                String key = option.longestName().replaceFirst("^-+", "");
                boolean strategyOption = Strategies.NAMES.stream().anyMatch(n -> Strategies.optionsOf(n).containsKey(key));
                if (strategyOption && !Strategies.optionsOf(strategy).containsKey(key)) {
                    return null;
                }
                if (key.equals("strategy") || key.equals("seed")) {
                    return null;
                }
            }
            return yaml.defaultValue(arg);
        }
    }
}
