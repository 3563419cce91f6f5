package io.losslake.federated.distill;

import io.losslake.data.ClientData;
import io.losslake.federated.fused.FusedNetwork;
import io.losslake.federated.fused.FusedNetworks;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.MlpSpec;
import io.losslake.federated.model.ModelFactory;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.ProximalTerm;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Dataset distillation by matching training trajectories (MTT; Cazenavette et al., CVPR 2022) with
 * the improvements of AST ("Efficient Dataset Distillation through Alignment with Smooth and
 * High-Quality Expert Trajectories", Shen et al. 2023), for a small MLP student.
 *
 * <p>Experts: {@link AstSettings#experts()} MLPs trained on the client's real data (SGD with
 * momentum 0.9, weight decay 1e-3, batches of 256, DSA), a checkpoint per epoch; with
 * {@code smooth}, AST's smooth experts: the loss of epoch e &lt; 11 is scaled by
 * 0.5, 0.5, 0.55, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9 (the reference's {@code epoch_flat};
 * applied here as the same factor on the step, which differs from it only in not scaling the
 * weight-decay term), and the rate is multiplied by 0.7 after half the epochs, as the reference's
 * buffer.py does. Each iteration: an expert and a start epoch t drawn at random, the student starts
 * at checkpoint t (perturbed, AST: theta + perturb * d * theta per tensor), takes N steps on the
 * synthetic images with its learnable rate alpha and heavy-ball momentum (AST's inner momentum),
 * and J = ||theta_N - theta*_(t+M)||^2 / ||theta_0 - theta*_(t+M)||^2 is minimised over the images and
 * alpha ({@link StudentUnroll}). Followed from the AST code rather than the paper: the inner
 * momentum and the perturbation as the code has them. Not implemented: AST's feature-alignment term
 * (0.1 x per-layer mean-feature MSE at theta_N) and its balanced inner loss (commented out in the
 * reference code).
 */
public final class TrajectoryMatching implements Distiller {
    private static final long serialVersionUID = 1L;
    private static final double[] SMOOTH = {0.5, 0.5, 0.55, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9};
    private static final int EXPERT_BATCH = 256;
    private static final double EXPERT_WEIGHT_DECAY = 1e-3;
    private final AstSettings settings;

    public TrajectoryMatching(AstSettings settings) {
        this.settings = settings;
    }

    public AstSettings settings() {
        return settings;
    }

    @Override
    public String method() {
        return "ast";
    }

    @Override
    public SyntheticSet distill(ClientData data, long seed, Progress progress) {
        int d = data.featureSize();
        int side = DmSettings.side(d);
        int classes = data.numClasses();
        PixelScale scale = PixelScale.of(data);
        ClientData real = scale.view(data);
        ClassIndex index = new ClassIndex(real);
        int[] budget = index.budget(settings.ipc());
        int n = java.util.Arrays.stream(budget).sum();
        int[] labels = new int[n];
        float[] start = new float[n * d];
        Random rng = new Random(seed);
        int at = 0;
        for (int c = 0; c < classes; c++) {
            int[] chosen = settings.init().equals("kmeans") ? KMeans.representatives(real, index.positions[c], budget[c], rng)
                    : index.draw(c, budget[c], rng);
            for (int j = 0; j < budget[c]; j++, at++) {
                labels[at] = c;
                if (settings.init().equals("noise")) {
                    for (int k = 0; k < d; k++) {
                        start[at * d + k] = (float) rng.nextGaussian();
                    }
                } else {
                    real.copyFeatures(chosen[j], start, at * d);
                }
            }
        }
        int[] sizes = new int[settings.hidden().length + 2];
        sizes[0] = d;
        System.arraycopy(settings.hidden(), 0, sizes, 1, settings.hidden().length);
        sizes[sizes.length - 1] = classes;
        MlpSpec spec = new MlpSpec(d, settings.hidden(), classes);
        List<double[][]> experts = new ArrayList<>();
        for (int e = 0; e < settings.experts(); e++) {
            experts.add(expert(spec, real, rng.nextLong()));
        }
        DoubleMlp net = new DoubleMlp(sizes);
        int[][] tensors = net.tensors();
        double[] images = new double[n * d];
        for (int k = 0; k < images.length; k++) {
            images[k] = start[k];
        }
        double[] velocity = new double[images.length];
        double rate = settings.teacherLr();
        double rateVelocity = 0;
        double loss = Double.NaN;
        int skipped = 0;
        for (int it = 0; it < settings.iterations(); it++) {
            double[][] trajectory = experts.get(rng.nextInt(experts.size()));
            int t = rng.nextInt(settings.maxStartEpoch());
            double[] from = perturbed(trajectory[t], tensors, settings.perturb(), rng);
            double[] target = trajectory[t + settings.expertEpochs()];
            Augmentation[] augs = null;
            if (settings.augment()) {
                augs = new Augmentation[settings.syntheticSteps()];
                for (int s = 0; s < augs.length; s++) {
                    augs[s] = Augmentation.draw(rng, n, side, false);
                }
            }
            StudentUnroll.Result r = StudentUnroll.run(net, from, target, images, labels, rate, settings.innerMomentum(), settings.syntheticSteps(),
                    augs, true);
            if (!finite(r)) {
                skipped++;
                progress.iteration(it + 1, settings.iterations(), loss);
                continue;
            }
            loss = r.loss();
            double lr = it < settings.iterations() / 2 ? settings.imageLr() : settings.imageLr() / 2;
            for (int k = 0; k < images.length; k++) {
                velocity[k] = 0.5 * velocity[k] + r.imageGradient()[k];
                images[k] -= lr * velocity[k];
            }
            rateVelocity = 0.5 * rateVelocity + r.rateGradient();
            rate = Math.max(1e-6, rate - settings.rateLr() * rateVelocity);
            progress.iteration(it + 1, settings.iterations(), loss);
        }
        float[] out = new float[images.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) images[k];
        }
        scale.denormalise(out, 0, out.length);
        if (skipped == settings.iterations()) {
            throw new IllegalStateException("every trajectory-matching iteration of client " + data.clientId()
                    + " gave a non-finite loss or gradient; lower --image-lr or --lr-lr");
        }
        return new SyntheticSet(data.clientId(), out, labels, side, classes, loss, rate);
    }

    /** Whether an iteration's loss and gradients are finite: a student that diverged (a rate or images grown too large) is skipped. */
    private static boolean finite(StudentUnroll.Result r) {
        if (!Double.isFinite(r.loss()) || !Double.isFinite(r.rateGradient())) {
            return false;
        }
        for (double g : r.imageGradient()) {
            if (!Double.isFinite(g)) {
                return false;
            }
        }
        return true;
    }

    /** An expert trajectory: the MLP's parameters at the start and after each epoch on {@code real}. */
    private double[][] expert(MlpSpec spec, ClientData real, long seed) {
        OptimizerSpec optimizer = new OptimizerSpec("momentum", settings.teacherLr(), 0.9);
        float[] w = ModelFactory.weightsOf(ModelFactory.initialised(spec, optimizer, seed));
        FusedNetwork net = FusedNetworks.of(spec, w, optimizer, LossSpec.CROSS_ENTROPY, List.of(new ProximalTerm(new float[w.length], EXPERT_WEIGHT_DECAY)));
        int epochs = settings.trajectoryEpochs();
        double[][] checkpoints = new double[epochs + 1][];
        checkpoints[0] = toDouble(w);
        Epochs passes = new Epochs(real, EXPERT_BATCH);
        Random rng = new Random(seed);
        double decay = 1;
        for (int epoch = 0; epoch < epochs; epoch++) {
            double smooth = settings.smooth() && epoch < SMOOTH.length ? SMOOTH[epoch] : 1;
            net.scaleLearningRate(decay * smooth);
            passes.run(net, settings.augment(), rng);
            checkpoints[epoch + 1] = toDouble(net.weights());
            if (settings.smooth() && epoch == epochs / 2 + 1) {
                decay *= 0.7;
            }
        }
        return checkpoints;
    }

    /** AST's weight perturbation: per tensor, theta + alpha * d * theta with d Gaussian, half dropped (the rest doubled), unit norm. */
    static double[] perturbed(double[] theta, int[][] tensors, double alpha, Random rng) {
        double[] out = theta.clone();
        if (alpha == 0) {
            return out;
        }
        for (int[] t : tensors) {
            double[] dv = new double[t[1] - t[0]];
            double norm = 0;
            for (int k = 0; k < dv.length; k++) {
                double g = rng.nextGaussian();
                dv[k] = rng.nextBoolean() ? 0 : 2 * g;
                norm += dv[k] * dv[k];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                continue;
            }
            for (int k = 0; k < dv.length; k++) {
                out[t[0] + k] += alpha * dv[k] / norm * theta[t[0] + k];
            }
        }
        return out;
    }

    private static double[] toDouble(float[] w) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i];
        }
        return out;
    }
}
