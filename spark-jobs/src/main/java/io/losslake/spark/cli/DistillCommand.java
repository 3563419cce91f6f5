package io.losslake.spark.cli;

import io.losslake.spark.jobs.DistillJob;
import io.losslake.spark.jobs.DistillRequest;
import io.losslake.spark.runtime.LakeSession;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code losslake distill}: parses the options and hands them to {@link DistillJob}. */
@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Dataset distillation per simulated client, one Spark task per client: each client condenses its examples into --ipc",
            "synthetic images per class by distribution matching (Zhao & Bilen, WACV 2023: fresh random embedding networks, the",
            "class means of real and synthetic embeddings matched under a shared differentiable augmentation), by trajectory",
            "matching with AST's smooth experts (a student MLP's steps on the synthetic set matched to expert checkpoints), or keeps",
            "--ipc random real ones (--method random). The sets go to synthetic_examples with a PNG grid per client; networks trained",
            "from scratch on the union of the sets (the one-shot server) are evaluated on the test split against random real",
            "examples of the same budget, into distill_evals. A plan of one client is centralised distillation."})
public final class DistillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--plan", paramLabel = "ID", description = "The partition plan whose clients are condensed (required).")
    String plan;

    @Option(names = "--method", defaultValue = "dm", paramLabel = "M",
            description = "dm (distribution matching), ast (trajectory matching with AST's additions) or random (random real examples). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--ipc", defaultValue = "10", paramLabel = "K", description = "Synthetic images per class per client. Default: ${DEFAULT-VALUE}.")
    int ipc;

    @Option(names = "--iterations", defaultValue = "1000", paramLabel = "N",
            description = "Updates of the images (DM's paper runs 20000, AST's 5000). Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--real-batch", defaultValue = "256", paramLabel = "B", description = "Real images per class per DM step. Default: ${DEFAULT-VALUE}.")
    int realBatch;

    @Option(names = "--image-lr", paramLabel = "LR",
            description = "SGD rate on the (normalised) synthetic pixels. Default: 5 for dm (the reference's 1.0 is for its normalised embedding), 1 for ast.")
    Double imageLr;

    @Option(names = "--momentum", defaultValue = "0.5", paramLabel = "MU", description = "SGD momentum on the pixels. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--init", defaultValue = "real", paramLabel = "FROM",
            description = "Initial images: real (random real ones of the class), noise, or for ast kmeans (those nearest k-means centres). Default: ${DEFAULT-VALUE}.")
    String init;

    @Option(names = "--embed-channels", defaultValue = "32,64", paramLabel = "C1,C2",
            description = "The random embedding network's two convolutions. Default: ${DEFAULT-VALUE}.")
    String embedChannels;

    @Option(names = "--no-augment", negatable = false, description = "No differentiable augmentation (DSA) while distilling.")
    boolean noAugment;

    @Option(names = "--student", defaultValue = "64", paramLabel = "WIDTHS", description = "ast: the student MLP's hidden widths. Default: ${DEFAULT-VALUE}.")
    String student;

    @Option(names = "--experts", defaultValue = "2", paramLabel = "E", description = "ast: expert trajectories per client. Default: ${DEFAULT-VALUE}.")
    int experts;

    @Option(names = "--expert-epochs", defaultValue = "2", paramLabel = "M", description = "ast: epochs between the start and the target checkpoint. Default: ${DEFAULT-VALUE}.")
    int expertEpochs;

    @Option(names = "--max-start-epoch", defaultValue = "6", paramLabel = "T", description = "ast: start epochs are drawn below this. Default: ${DEFAULT-VALUE}.")
    int maxStartEpoch;

    @Option(names = "--syn-steps", defaultValue = "20", paramLabel = "N", description = "ast: student steps on the synthetic set per iteration. Default: ${DEFAULT-VALUE}.")
    int synSteps;

    @Option(names = "--teacher-lr", defaultValue = "0.01", paramLabel = "LR", description = "ast: the experts' rate and the student's initial one. Default: ${DEFAULT-VALUE}.")
    double teacherLr;

    @Option(names = "--lr-lr", defaultValue = "0", paramLabel = "LR",
            description = "ast: SGD rate on the student's learnable rate; 0 keeps it fixed (1e-7 and more diverged here). Default: ${DEFAULT-VALUE}.")
    double lrLr;

    @Option(names = "--inner-momentum", defaultValue = "0.9", paramLabel = "MU", description = "ast: the student's momentum (MTT: 0). Default: ${DEFAULT-VALUE}.")
    double innerMomentum;

    @Option(names = "--perturb", defaultValue = "0.5", paramLabel = "A", description = "ast: weight perturbation of the start (0: none). Default: ${DEFAULT-VALUE}.")
    double perturb;

    @Option(names = "--no-smooth", negatable = false, description = "ast: plain experts instead of AST's smooth (loss-decayed) ones.")
    boolean noSmooth;

    @Option(names = "--eval-model", defaultValue = "cnn:32,64/128", paramLabel = "MODEL",
            description = "The network trained from scratch on the sets, mlp:... or cnn... Default: ${DEFAULT-VALUE}.")
    String evalModel;

    @Option(names = "--eval-epochs", defaultValue = "300", paramLabel = "E",
            description = "Its epochs on the set (DC's protocol: 300; DM's code: 1000). Default: ${DEFAULT-VALUE}.")
    int evalEpochs;

    @Option(names = "--eval-seeds", defaultValue = "3", paramLabel = "N", description = "Evaluation networks per set; 0: no evaluation. Default: ${DEFAULT-VALUE}.")
    int evalSeeds;

    @Option(names = "--no-baseline", negatable = false, description = "Skip the random-real baseline.")
    boolean noBaseline;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every draw. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--plots", defaultValue = "distill-plots", paramLabel = "DIR",
            description = "Folder of the PNG image grids (a row per class), one per client for the first 64. Default: ${DEFAULT-VALUE}.")
    Path plots;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option values.")
    Path config;

    @Option(names = "--resume", paramLabel = "RUN_ID", description = {"Finish a killed distill run with its own settings: the sets condensed again",
        "(seeded: the same images) and evaluated, each table written unless the killed invocation wrote it."})
    String resume;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        if (resume != null) {
            Resume.onlyWithLakeOptions(spec);
            try (LakeSession session = sparkOptions.open("losslake distill")) {
                DistillJob.resume(sparkOptions.lake(session), resume, spec.commandLine().getOut());
            }
            return 0;
        }
        DistillRequest request = new DistillRequest(plan, method, ipc, iterations, realBatch, imageLr, momentum, init, embedChannels, !noAugment,
                new DistillRequest.Trajectory(student, experts, expertEpochs, maxStartEpoch, synSteps, teacherLr, lrLr, innerMomentum, perturb, !noSmooth),
                evalModel, evalEpochs, evalSeeds, !noBaseline, seed, plots);
        DistillJob.check(request); // before Spark starts
        try (LakeSession session = sparkOptions.open("losslake distill")) {
            DistillJob.run(sparkOptions.lake(session), request, spec.commandLine().getOut());
        }
        return 0;
    }
}
