package io.losslake.scaling.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * A 2-D chart as data: axes (linear or log) and series of points, lines and shaded bands. Rendered
 * to PNG or SVG by {@link Render}; no plotting library needed.
 */
public final class Figure {
    /** How a series is drawn. */
    public enum Kind {
        POINTS, LINE, BAND, DASHED
    }

    /**
     * One series.
     *
     * @param low  for a band, its lower edge (y is the upper edge)
     * @param group series with the same group share a colour
     */
    public record Series(String name, Kind kind, double[] x, double[] y, double[] low, int group) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();

    public Figure(String title, String xLabel, String yLabel, boolean logX, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
        this.logY = logY;
    }

    public Figure points(String name, double[] x, double[] y, int group) {
        series.add(new Series(name, Kind.POINTS, x, y, null, group));
        return this;
    }

    public Figure line(String name, double[] x, double[] y, int group) {
        series.add(new Series(name, Kind.LINE, x, y, null, group));
        return this;
    }

    public Figure dashed(String name, double[] x, double[] y, int group) {
        series.add(new Series(name, Kind.DASHED, x, y, null, group));
        return this;
    }

    public Figure band(String name, double[] x, double[] low, double[] high, int group) {
        series.add(new Series(name, Kind.BAND, x, high, low, group));
        return this;
    }

    public String title() {
        return title;
    }

    public String xLabel() {
        return xLabel;
    }

    public String yLabel() {
        return yLabel;
    }

    public boolean logX() {
        return logX;
    }

    public boolean logY() {
        return logY;
    }

    public List<Series> series() {
        return series;
    }

    /** {@code count} points evenly spaced (log-spaced on a log axis) from {@code from} to {@code to}. */
    public static double[] grid(double from, double to, int count, boolean log) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            double t = count == 1 ? 0 : (double) i / (count - 1);
            out[i] = log ? Math.exp(Math.log(from) + t * (Math.log(to) - Math.log(from))) : from + t * (to - from);
        }
        return out;
    }
}
