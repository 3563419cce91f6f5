package io.losslake.scaling.fit;

import java.util.ArrayList;
import java.util.List;

/**
 * How well a law fitted on small budgets predicts larger ones: fit on the points whose cutoff
 * quantity (C, or N * D) is at most the cutoff, then compare predictions with the held-out points
 * above it.
 *
 * @param fit            the law fitted below the cutoff
 * @param heldOut        points above the cutoff
 * @param relativeErrors per held-out point, (predicted - actual) / actual
 * @param meanAbsoluteRelativeError mean of their absolute values
 * @param maxAbsoluteRelativeError  largest absolute value
 */
public record Extrapolation(Fitter.Fit fit, FitData heldOut, double[] relativeErrors, double meanAbsoluteRelativeError,
                            double maxAbsoluteRelativeError) {

    /** The cutoff quantity of a point: its only input (C), or the product of its inputs (N D, proportional to C). */
    public static double scale(double[] x) {
        double p = 1;
        for (double v : x) {
            p *= v;
        }
        return p;
    }

    /**
     * The cutoff that holds out about {@code fraction} of the points, those of largest scale: the
     * scale at rank floor((1 - fraction)(n - 1)), lowered to the next smaller distinct scale when
     * the largest scales are equal (so points of one scale are never split and at least one point
     * lies above).
     *
     * @throws IllegalArgumentException when every point has the same scale: nothing to extrapolate to
     */
    public static double cutoff(double[][] x, double fraction) {
        double[] scales = java.util.Arrays.stream(x).mapToDouble(Extrapolation::scale).sorted().toArray();
        double cutoff = scales[(int) Math.floor((1 - fraction) * (scales.length - 1))];
        double largest = scales[scales.length - 1];
        if (cutoff >= largest) {
            cutoff = Double.NEGATIVE_INFINITY;
            for (double s : scales) {
                if (s < largest) {
                    cutoff = s;
                }
            }
            if (cutoff == Double.NEGATIVE_INFINITY) {
                throw new IllegalArgumentException("Every point has the same compute scale " + largest + ", so none is larger to extrapolate to.");
            }
        }
        return cutoff;
    }

    public static Extrapolation check(LawForm form, FitData data, double cutoff, Fitter.Options options) {
        List<Integer> below = new ArrayList<>();
        List<Integer> above = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            (scale(data.x()[i]) <= cutoff ? below : above).add(i);
        }
        if (above.isEmpty()) {
            throw new IllegalArgumentException("No point lies above the extrapolation cutoff " + cutoff + "; expected a larger point to predict.");
        }
        FitData train = data.select(below.stream().mapToInt(Integer::intValue).toArray());
        FitData test = data.select(above.stream().mapToInt(Integer::intValue).toArray());
        Fitter.Fit fit = Fitter.fit(form, train, options);
        double[] errors = new double[test.size()];
        double sum = 0;
        double max = 0;
        for (int i = 0; i < errors.length; i++) {
            errors[i] = (fit.predict(test.x()[i]) - test.y()[i]) / test.y()[i];
            sum += Math.abs(errors[i]);
            max = Math.max(max, Math.abs(errors[i]));
        }
        return new Extrapolation(fit, test, errors, sum / errors.length, max);
    }
}
