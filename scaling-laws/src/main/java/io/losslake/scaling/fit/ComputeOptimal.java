package io.losslake.scaling.fit;

/**
 * The compute-optimal split of a FLOP budget C = 6 N D under L = E + A/N^alpha + B/D^beta
 * (Hoffmann et al. 2022, eq. 4): N_opt(C) = G (C/6)^a, D_opt(C) = G^-1 (C/6)^b with
 * G = (alpha A / (beta B))^(1/(alpha+beta)), a = beta/(alpha+beta), b = alpha/(alpha+beta).
 *
 * @param g         G
 * @param exponentN a
 * @param exponentD b
 */
public record ComputeOptimal(double g, double exponentN, double exponentD) {
    public static ComputeOptimal of(double a, double b, double alpha, double beta) {
        double sum = alpha + beta;
        return new ComputeOptimal(Math.pow(alpha * a / (beta * b), 1 / sum), beta / sum, alpha / sum);
    }

    public double optimalN(double flops) {
        return g * Math.pow(flops / 6, exponentN);
    }

    public double optimalD(double flops) {
        return Math.pow(flops / 6, exponentD) / g;
    }
}
