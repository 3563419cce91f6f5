package io.losslake.federated;

/**
 * How the learning rate moves over one run: constant, or a cosine decay from the peak to
 * {@code finalFraction} of it at the end of the run, as Hoffmann et al. (2022) found necessary for
 * compute-budget studies (their cosine cycle matches the run's length and decays the rate tenfold).
 * An optional linear warm-up precedes the decay.
 *
 * <p>The schedule counts in units the caller chooses: optimiser steps of a centralised run, or
 * communication rounds of a federated run (every client of round r trains at the rate of
 * {@code factor(r - 1)}; the local optimiser restarts each round).
 *
 * @param kind          {@code constant} or {@code cosine}
 * @param finalFraction cosine: the rate at the end of the run over the peak, in [0, 1]
 * @param warmup        cosine: units of linear warm-up from peak/warmup to the peak (0: none)
 * @param length        cosine: the run's length in units (the decay ends there; 0 until known)
 */
public record LearningRateSchedule(String kind, double finalFraction, long warmup, long length) implements java.io.Serializable {
    public static final LearningRateSchedule CONSTANT = new LearningRateSchedule("constant", 1, 0, 0);

    /** Chinchilla's: cosine to a tenth of the peak, no warm-up. */
    public static final LearningRateSchedule COSINE = new LearningRateSchedule("cosine", 0.1, 0, 0);

    public LearningRateSchedule {
        if (!"constant".equals(kind) && !"cosine".equals(kind)) {
            throw new IllegalArgumentException("Invalid schedule '" + kind + "': expected constant or cosine.");
        }
        if (!(finalFraction >= 0 && finalFraction <= 1)) {
            throw new IllegalArgumentException("Invalid final learning-rate fraction " + finalFraction + ": expected a value in [0, 1].");
        }
        if (warmup < 0 || length < 0) {
            throw new IllegalArgumentException("Invalid schedule warm-up " + warmup + " or length " + length + ": expected 0 or more.");
        }
    }

    public boolean isConstant() {
        return "constant".equals(kind);
    }

    /** The same schedule over a run of {@code units} steps or rounds. */
    public LearningRateSchedule over(long units) {
        return isConstant() ? this : new LearningRateSchedule(kind, finalFraction, warmup, units);
    }

    /**
     * The multiplier of the peak rate for unit {@code t} (0-based) of the run: 1 for a constant
     * schedule; for cosine, {@code (t + 1) / warmup} during warm-up, then
     * {@code f + (1 - f) (1 + cos(pi p)) / 2} with p the fraction of the decay done before unit t,
     * so that the first unit after warm-up runs at the peak and the last at nearly {@code f}.
     */
    public double factor(long t) {
        if (isConstant()) {
            return 1;
        }
        if (length <= 0) {
            throw new IllegalStateException("a cosine schedule needs the run's length before it is used");
        }
        if (t < warmup) {
            return (t + 1) / (double) warmup;
        }
        long decay = Math.max(1, length - warmup);
        double p = Math.min(1.0, (t - warmup) / (double) decay);
        return finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * p));
    }

    @Override
    public String toString() {
        return isConstant() ? "constant" : "cosine to " + finalFraction + "x" + (warmup > 0 ? " after " + warmup + " warm-up units" : "");
    }
}
