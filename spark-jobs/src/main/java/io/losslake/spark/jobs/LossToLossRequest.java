package io.losslake.spark.jobs;

import io.losslake.scaling.fit.LossToLossStudy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loss-to-loss fits between sides of a table, as asked for ({@code losslake fit-l2l}); each
 * component is the option of the same name.
 *
 * @param table        a table of the lake, read when {@code input} is null
 * @param input        any table path instead, read as {@code format}
 * @param sideColumn   the column telling the sides apart
 * @param xSides       its values on the x side; {@code all} for every value
 * @param ySides       its values on the y side; {@code all} for every value. Every ordered pair of
 *                     distinct x and y sides is fitted.
 * @param pairBy       columns whose equal values pair an x row with a y row
 * @param offsets      kaplan, chinchilla (E of each side's law in N and D), law (in C) or fit
 * @param extrapolate  the share of pairs of the largest x compute held out; null: 0.2, or 0 with
 *                     {@code holdoutWhere}
 * @param holdoutWhere SQL naming the rows held out (a pair is held out when either of its rows is)
 */
public record LossToLossRequest(String table, String input, String format, String where, String sideColumn, List<String> xSides,
                                List<String> ySides, List<String> pairBy, String lossColumn, String flopsColumn, String paramsColumn,
                                String examplesColumn, String offsets, Double extrapolate, String holdoutWhere, boolean translate, Path plots) {
    /** The side list meaning every value of the side column. */
    public static final String ALL = "all";

    public LossToLossRequest {
        pairBy = List.copyOf(pairBy == null ? List.of() : pairBy);
        xSides = List.copyOf(xSides == null ? List.of() : xSides);
        ySides = List.copyOf(ySides == null ? List.of() : ySides);
    }

    /**
     * Checks everything that can be checked without reading the table.
     *
     * @throws IllegalArgumentException one sentence naming the option and what was expected
     */
    public void check() {
        LossToLossStudy.Offsets.parse(offsets);
        if (extrapolate != null && !(extrapolate >= 0 && extrapolate < 1)) {
            throw new IllegalArgumentException("Invalid --extrapolate-fraction " + extrapolate + ": expected a fraction in [0, 1).");
        }
        if (extrapolate != null && extrapolate > 0 && holdoutWhere != null) {
            throw new IllegalArgumentException("Give --holdout-where or --extrapolate-fraction, not both: each names the held-out pairs.");
        }
        if (holdoutWhere != null && holdoutWhere.isBlank()) {
            throw new IllegalArgumentException("--holdout-where is empty: expected a Spark SQL condition naming the held-out rows.");
        }
        if (pairBy.isEmpty()) {
            throw new IllegalArgumentException("fit-l2l needs --pair-by: the columns whose equal values pair an x row with a y row.");
        }
        if (xSides.isEmpty() || ySides.isEmpty()) {
            throw new IllegalArgumentException("fit-l2l needs --x-side and --y-side: values of --side-column, comma-separated, or all.");
        }
        if (xSides.size() == 1 && xSides.equals(ySides) && !xSides.get(0).equals(ALL)) {
            throw new IllegalArgumentException("--x-side and --y-side are both '" + xSides.get(0) + "': a loss-to-loss fit maps one side to another.");
        }
    }

    /** The parsed offsets. */
    public LossToLossStudy.Offsets offsetsKind() {
        return LossToLossStudy.Offsets.parse(offsets);
    }

    /** The share of pairs held out by compute. */
    public double fraction() {
        return extrapolate != null ? extrapolate : holdoutWhere != null ? 0 : 0.2;
    }

    /** Whether each side's N and D are read: for the Kaplan and Chinchilla offsets and for --translate. */
    public boolean needsSizeAndData() {
        return translate || offsetsKind().needsSizeAndData();
    }

    /** The request as the runs table stores it: option names to values. */
    public Map<String, Object> toConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("table", table);
        c.put("input", input);
        c.put("format", format);
        c.put("where", where);
        c.put("side-column", sideColumn);
        c.put("x-side", xSides);
        c.put("y-side", ySides);
        c.put("pair-by", pairBy);
        c.put("loss", lossColumn);
        c.put("flops", flopsColumn);
        c.put("params", paramsColumn);
        c.put("examples", examplesColumn);
        c.put("offsets", offsets);
        c.put("extrapolate-fraction", fraction());
        c.put("holdout-where", holdoutWhere);
        c.put("translate", translate);
        c.put("plots", plots == null ? null : plots.toString());
        return c;
    }
}
