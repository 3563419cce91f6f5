package io.losslake.spark.cli;

import io.losslake.spark.report.ReportJob;
import io.losslake.spark.runtime.LakeSession;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake report}: one self-contained HTML page of a run, through {@link ReportJob}. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Writes one self-contained HTML page about a run of the lake (no network needed to open it): its status, timings,",
            "options and result, and what its command recorded: a federated run's accuracy and loss by round, against compute",
            "and communication, its loss decomposition, clients and barriers; a sweep's loss against compute and final points;",
            "a fit's or study's laws with their intervals; a distillation's evaluations."},
        footer = {"Exit status: 0 written, 1 failed, 2 bad input (nothing written)."})
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values.")
    Path config;

    @Option(names = "--run", required = true, paramLabel = "RUN_ID", description = "The run (runs.run_id), as its command printed it, or latest: the run that started last.")
    String run;

    @Option(names = "--out", paramLabel = "FILE", description = "Where the page goes. Default: reports/<RUN_ID>.html.")
    Path out;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        try (LakeSession session = sparkOptions.open("losslake report " + run)) {
            ReportJob.run(sparkOptions.lake(session), run, out, spec.commandLine().getOut());
        }
        return 0;
    }
}
