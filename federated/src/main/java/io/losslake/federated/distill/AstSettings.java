package io.losslake.federated.distill;

import java.util.List;

/**
 * Trajectory matching's settings (MTT, Cazenavette et al. 2022; with {@code smooth}, the AST
 * additions of Shen et al. 2023, code shenjiyuan123/AST-Alignment-with-Smooth-Expert).
 *
 * @param ipc            synthetic images per class
 * @param iterations     updates of the images
 * @param hidden         the student MLP's hidden widths (the small model that is unrolled)
 * @param experts        expert trajectories trained on the client's data
 * @param expertEpochs   M: the student is matched to the expert's checkpoint M epochs after its start
 * @param maxStartEpoch  start epochs are drawn from [0, maxStartEpoch)
 * @param syntheticSteps N: student steps on the synthetic images per iteration
 * @param teacherLr      the experts' SGD rate, and the student's initial learnable rate
 * @param imageLr        SGD rate on the normalised pixels (momentum 0.5; halved after half the iterations, as AST)
 * @param rateLr         SGD rate on the student's learnable rate (momentum 0.5)
 * @param innerMomentum  the student's heavy-ball momentum (AST 0.9; MTT 0: plain SGD)
 * @param perturb        AST's weight perturbation of the start: theta + perturb * d * theta per tensor, d a
 *                       unit-norm Gaussian with half its entries dropped; 0 for none
 * @param smooth         AST's smooth experts: their loss scaled by 0.5 .. 0.9 over the first 11 epochs
 * @param init           real (random real images), kmeans (the real images nearest k-means centres) or noise
 * @param augment        DSA on the student's batches and the experts'
 */
public record AstSettings(int ipc, int iterations, int[] hidden, int experts, int expertEpochs, int maxStartEpoch, int syntheticSteps,
                          double teacherLr, double imageLr, double rateLr, double innerMomentum, double perturb, boolean smooth, String init,
                          boolean augment) implements java.io.Serializable {
    public static final List<String> INITS = List.of("real", "kmeans", "noise");

    public AstSettings {
        DmSettings.checkIpc(ipc);
        hidden = hidden.clone();
        require(iterations >= 1, "Invalid --iterations " + iterations + ": expected at least 1.");
        require(hidden.length >= 1 && java.util.Arrays.stream(hidden).allMatch(h -> h > 0),
                "Invalid --student: expected hidden widths such as 64 (an MLP student).");
        require(experts >= 1, "Invalid --experts " + experts + ": expected at least 1 expert trajectory.");
        require(expertEpochs >= 1, "Invalid --expert-epochs " + expertEpochs + ": expected at least 1.");
        require(maxStartEpoch >= 1, "Invalid --max-start-epoch " + maxStartEpoch + ": expected at least 1.");
        require(syntheticSteps >= 1, "Invalid --syn-steps " + syntheticSteps + ": expected at least 1.");
        require(teacherLr > 0 && Double.isFinite(teacherLr), "Invalid --teacher-lr " + teacherLr + ": expected a positive rate.");
        require(imageLr > 0 && Double.isFinite(imageLr), "Invalid --image-lr " + imageLr + ": expected a positive rate.");
        require(rateLr >= 0 && Double.isFinite(rateLr), "Invalid --lr-lr " + rateLr + ": expected a rate, 0 or more.");
        require(innerMomentum >= 0 && innerMomentum < 1, "Invalid --inner-momentum " + innerMomentum + ": expected a value in [0, 1).");
        require(perturb >= 0 && Double.isFinite(perturb), "Invalid --perturb " + perturb + ": expected 0 or more.");
        require(INITS.contains(init), "Invalid --init '" + init + "': expected real, kmeans or noise.");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The epochs each expert trains: enough for the latest start plus M. */
    public int trajectoryEpochs() {
        return maxStartEpoch + expertEpochs;
    }
}
