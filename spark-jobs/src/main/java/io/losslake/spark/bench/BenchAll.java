package io.losslake.spark.bench;

import io.losslake.scaling.bench.FitBenchmark;
import io.losslake.spark.cli.SparkOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code losslake bench all}: the performance targets of losslake in one go — local training
 * throughput (against PyTorch with {@code --pytorch}), round efficiency and scale, and the scaling-law
 * fit — each bench's own table, then one table of targets, figures and verdicts.
 */
@Command(name = "all", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs 'bench training', 'bench rounds' and 'bench fit' with their defaults and prints one table of the "
            + "performance targets with the measured figures (about 5 minutes on 2 cores).")
final class BenchAll implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pytorch", paramLabel = "PYTHON",
            description = "A Python interpreter with torch (e.g. /usr/bin/python3 with Debian's python3-torch) for the training comparison.")
    String python;

    @Mixin
    SparkOptions sparkOptions;

    /** One line of the summary. */
    record Target(String target, String measured, String goal, boolean met) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Target> targets = new ArrayList<>();

        out.println("== training ==");
        BenchCommand.Training training = new BenchCommand.Training();
        new CommandLine(training).parseArgs(python == null ? new String[0] : new String[] {"--pytorch", python});
        TrainingFigures tf = training.measure(out);
        tf.print(out);
        for (Map.Entry<String, Integer> key : tf.keys()) {
            String m = key.getKey();
            int b = key.getValue();
            double ours = tf.best(m, b);
            double torch = tf.rate(m, b, "pytorch");
            String trainer = tf.rate(m, b, "fused") >= ours ? "fused" : "dl4j";
            targets.add(new Target("training " + m + " batch " + b + " (samples/s)",
                    String.format("%,.0f %s%s", ours, trainer, Double.isNaN(torch) ? "" : String.format(" = %.2fx pytorch", ours / torch)),
                    Double.isNaN(torch) ? ">= pytorch (not measured)" : String.format(">= %,.0f pytorch", torch), !Double.isNaN(torch) && ours >= torch));
            double overridden = tf.rate(m, b, "pytorch+overrides");
            if (!Double.isNaN(overridden)) {
                out.printf("(pytorch with this machine's OpenBLAS overrides, %s batch %d: %,.0f samples/s)%n", m, b, overridden);
            }
        }

        out.println();
        out.println("== rounds ==");
        BenchRounds rounds = new BenchRounds();
        new CommandLine(rounds).parseArgs(python == null ? new String[0] : new String[] {"--pytorch", python});
        rounds.sparkOptions = sparkOptions;
        List<BenchRounds.Figures> rf = rounds.measure(out);
        BenchRounds.print(out, rf);
        for (BenchRounds.Figures f : rf) {
            if (f.kind().equals("efficiency")) {
                targets.add(new Target(String.format("round / ideal, %d sampled of %,d clients (%s)", rounds.perRound, f.clients(), f.work()),
                        String.format("%.3f (round %.2f s, driver %.3f s)", f.roundEfficiency(), f.roundSeconds(), f.driverSeconds()), "<= 1.10",
                        f.roundEfficiency() <= 1.10));
            }
        }
        if (rounds.versus != null) {
            BenchRounds.Versus v = rounds.versus;
            targets.add(new Target(String.format("FedAvg round, %d clients, vs plain PyTorch loop", v.clients()),
                    String.format("%.3f vs %.3f s = %.2fx", v.oursSeconds(), v.pytorchSeconds(), v.speedup()), "faster than PyTorch", v.speedup() > 1));
        }
        List<BenchRounds.Figures> scale = rf.stream().filter(f -> f.kind().equals("scale")).toList();
        if (!scale.isEmpty()) {
            BenchRounds.Figures base = scale.get(0);
            for (BenchRounds.Figures f : scale.subList(1, scale.size())) {
                double ratio = f.roundSeconds() / base.roundSeconds();
                if (f.clients() <= 10_000) {
                    targets.add(new Target(String.format("round time, %,d vs %,d clients", f.clients(), base.clients()),
                            String.format("%.2fx (%.3f vs %.3f s)", ratio, f.roundSeconds(), base.roundSeconds()), "<= 1.2x", ratio <= 1.2));
                }
            }
            BenchRounds.Figures last = scale.get(scale.size() - 1);
            // one JVM runs every plan one after another, so its resident set only grows: a peak that stays
            // flat from the smallest plan to the largest says the client count adds nothing (heap peaks
            // follow garbage collection timing and are printed for information)
            double rssRatio = (double) last.rssPeak() / base.rssPeak();
            targets.add(new Target(String.format("peak RSS, %,d vs %,d clients", last.clients(), base.clients()),
                    String.format("%.2fx (%s vs %s; heap peak %s vs %s)", rssRatio, PeakMemory.mib(last.rssPeak()), PeakMemory.mib(base.rssPeak()),
                            PeakMemory.mib(last.heapPeak()), PeakMemory.mib(base.heapPeak())), "flat (<= 1.25x)", rssRatio <= 1.25));
        }

        out.println();
        out.println("== fit ==");
        List<FitBenchmark.Figures> ff = new ArrayList<>();
        for (int n : List.of(240, 400)) {
            ff.add(FitBenchmark.run(n, 1000, out));
        }
        for (FitBenchmark.Figures f : ff) {
            targets.add(new Target(String.format("chinchilla fit, %d points, %,d starts", f.points(), f.starts()),
                    String.format("%.2f s", f.fitSeconds()), "< 5 s", f.fitSeconds() < 5));
            targets.add(new Target(String.format("bootstrap, %d points, %,d resamples", f.points(), f.resamples()),
                    String.format("%.2f s", f.bootstrapSeconds()), "< 60 s", f.bootstrapSeconds() < 60));
        }

        out.println();
        out.println("== targets ==");
        out.printf("%-52s %-46s %-26s %s%n", "target", "measured", "goal", "met");
        for (Target t : targets) {
            out.printf("%-52s %-46s %-26s %s%n", t.target(), t.measured(), t.goal(), t.met() ? "yes" : "no");
        }
        out.flush();
        return 0;
    }
}
