package io.losslake.spark.jobs;

import io.losslake.federated.distill.DistributionMatching;
import io.losslake.federated.distill.Distiller;
import io.losslake.federated.distill.DmSettings;
import io.losslake.federated.distill.RandomReal;
import io.losslake.federated.distill.SyntheticTraining;
import io.losslake.federated.distill.AstSettings;
import io.losslake.federated.distill.TrajectoryMatching;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-client dataset distillation ({@code losslake distill}); each component is the option of the same name.
 *
 * @param plan          the partition plan whose clients are condensed
 * @param method        {@code dm} or {@code random}
 * @param embedChannels the random embedding network's convolutions, e.g. 32,64
 * @param evalModel     the network trained on the union of the sets, e.g. cnn:32,64/128
 * @param evalSeeds     how many such networks (initialisations); 0 skips the evaluation
 * @param baseline      also evaluate random real examples of the same per-class budget
 * @param plots         folder of the image grids, or null for none
 */
public record DistillRequest(String plan, String method, int ipc, int iterations, int realBatch, Double imageLr, double momentum, String init,
                             String embedChannels, boolean augment, Trajectory trajectory, String evalModel, int evalEpochs, int evalSeeds,
                             boolean baseline, long seed, Path plots) {
    public static final List<String> METHODS = List.of("dm", "ast", "random");
    /** Image rates that work when --image-lr is not given: DM's (measured on Fashion-MNIST), AST's. */
    public static final double DM_IMAGE_LR = 5;
    public static final double AST_IMAGE_LR = 1;

    /**
     * Trajectory matching's own options (see {@link AstSettings}).
     *
     * @param student hidden widths of the student MLP, e.g. 64 or 128,64
     */
    public record Trajectory(String student, int experts, int expertEpochs, int maxStartEpoch, int synSteps, double teacherLr, double lrLr,
                             double innerMomentum, double perturb, boolean smooth) {
        public static Trajectory defaults() {
            return new Trajectory("64", 2, 2, 6, 20, 0.01, 0, 0.9, 0.5, true);
        }
    }
    /** Image grids are drawn for at most this many clients (the first ones). */
    public static final int GRIDS = 64;

    /** @throws IllegalArgumentException one sentence on the first bad option */
    public void check() {
        if (plan == null || plan.isBlank()) {
            throw new IllegalArgumentException("distill needs --plan: the partition plan whose clients are condensed ('losslake partitions list' shows them).");
        }
        distiller();
        training();
        if (evalSeeds < 0) {
            throw new IllegalArgumentException("Invalid --eval-seeds " + evalSeeds + ": expected a number of evaluation networks, 0 or more.");
        }
    }

    public String methodName() {
        return method == null ? "" : method.trim().toLowerCase(Locale.ROOT);
    }

    public Distiller distiller() {
        return switch (methodName()) {
            case "dm" -> new DistributionMatching(dmSettings());
            case "ast" -> new TrajectoryMatching(astSettings());
            case "random" -> new RandomReal(ipc);
            default -> throw new IllegalArgumentException("Invalid --method '" + method + "': expected one of " + String.join(", ", METHODS) + ".");
        };
    }

    DmSettings dmSettings() {
        return new DmSettings(ipc, iterations, realBatch, imageLr == null ? DM_IMAGE_LR : imageLr, momentum, initName(), channels(), augment);
    }

    AstSettings astSettings() {
        Trajectory t = trajectory == null ? Trajectory.defaults() : trajectory;
        return new AstSettings(ipc, iterations, widths(t.student()), t.experts(), t.expertEpochs(), t.maxStartEpoch(), t.synSteps(), t.teacherLr(),
                imageLr == null ? AST_IMAGE_LR : imageLr, t.lrLr(), t.innerMomentum(), t.perturb(), t.smooth(), initName(), augment);
    }

    private String initName() {
        return init == null ? "" : init.trim().toLowerCase(Locale.ROOT);
    }

    private static int[] widths(String text) {
        try {
            int[] w = java.util.Arrays.stream((text == null ? "" : text).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            if (w.length > 0 && java.util.Arrays.stream(w).allMatch(v -> v > 0)) {
                return w;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("Invalid --student '" + text + "': expected the student MLP's hidden widths, e.g. 64 or 128,64.");
    }

    private int[] channels() {
        String[] parts = embedChannels == null ? new String[0] : embedChannels.split(",");
        if (parts.length == 2) {
            try {
                int[] c = {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
                if (c[0] > 0 && c[1] > 0) {
                    return c;
                }
            } catch (NumberFormatException e) {
                // the message below
            }
        }
        throw new IllegalArgumentException("Invalid --embed-channels '" + embedChannels + "': expected two positive channel counts such as 32,64.");
    }

    public SyntheticTraining training() {
        return new SyntheticTraining(evalEpochs, 0.01, 256, true);
    }

    /** The evaluation training at {@code rate} (a rate the method learned) instead of 0.01. */
    public SyntheticTraining training(double rate) {
        return new SyntheticTraining(evalEpochs, rate, 256, true);
    }

    /**
     * A stored distill run's request (its {@code runs.config_json}, as {@link #toConfig} writes it), for
     * {@code distill --resume}. A setting the method does not use, and so was not stored, takes the command's default.
     */
    public static DistillRequest fromConfig(Map<String, Object> c) {
        Trajectory t = Trajectory.defaults();
        Trajectory trajectory = new Trajectory(text(c, "student", t.student()), integer(c, "experts", t.experts()),
                integer(c, "expert_epochs", t.expertEpochs()), integer(c, "max_start_epoch", t.maxStartEpoch()), integer(c, "syn_steps", t.synSteps()),
                number(c, "teacher_lr", t.teacherLr()), number(c, "lr_lr", t.lrLr()), number(c, "inner_momentum", t.innerMomentum()),
                number(c, "perturb", t.perturb()), !Boolean.FALSE.equals(c.get("smooth")));
        return new DistillRequest(text(c, "plan", null), text(c, "method", "dm"), integer(c, "ipc", 10), integer(c, "iterations", 1000),
                integer(c, "real_batch", 256), c.get("image_lr") == null ? null : number(c, "image_lr", 0), number(c, "momentum", 0.5),
                text(c, "init", "real"), text(c, "embed_channels", "32,64"), !Boolean.FALSE.equals(c.get("augment")), trajectory,
                text(c, "eval_model", "cnn:32,64/128"), integer(c, "eval_epochs", 300), integer(c, "eval_seeds", 3),
                !Boolean.FALSE.equals(c.get("baseline")), ((Number) c.getOrDefault("seed", 0)).longValue(),
                c.get("plots") == null ? null : Path.of(String.valueOf(c.get("plots"))));
    }

    private static String text(Map<String, Object> c, String key, String fallback) {
        return c.get(key) == null ? fallback : String.valueOf(c.get(key));
    }

    private static int integer(Map<String, Object> c, String key, int fallback) {
        return c.get(key) == null ? fallback : ((Number) c.get(key)).intValue();
    }

    private static double number(Map<String, Object> c, String key, double fallback) {
        return c.get(key) == null ? fallback : ((Number) c.get(key)).doubleValue();
    }

    /** The request as the runs table stores it. */
    public Map<String, Object> toConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("plan", plan);
        c.put("method", methodName());
        c.put("ipc", ipc);
        if (methodName().equals("dm")) {
            DmSettings d = dmSettings();
            c.put("iterations", iterations);
            c.put("real_batch", realBatch);
            c.put("image_lr", d.imageLr());
            c.put("momentum", momentum);
            c.put("init", init);
            c.put("embed_channels", embedChannels);
            c.put("augment", augment);
        }
        if (methodName().equals("ast")) {
            AstSettings a = astSettings();
            c.put("iterations", iterations);
            c.put("image_lr", a.imageLr());
            c.put("init", init);
            c.put("augment", augment);
            c.put("student", trajectory == null ? Trajectory.defaults().student() : trajectory.student());
            c.put("experts", a.experts());
            c.put("expert_epochs", a.expertEpochs());
            c.put("max_start_epoch", a.maxStartEpoch());
            c.put("syn_steps", a.syntheticSteps());
            c.put("teacher_lr", a.teacherLr());
            c.put("lr_lr", a.rateLr());
            c.put("inner_momentum", a.innerMomentum());
            c.put("perturb", a.perturb());
            c.put("smooth", a.smooth());
        }
        c.put("eval_model", evalModel);
        c.put("eval_epochs", evalEpochs);
        c.put("eval_seeds", evalSeeds);
        c.put("baseline", baseline);
        c.put("seed", seed);
        c.put("plots", plots == null ? null : plots.toString());
        return c;
    }
}
