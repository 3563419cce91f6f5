package io.losslake.spark.jobs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loss-to-loss fit between two sides of a table, as asked for ({@code losslake fit-l2l}); each
 * component is the option of the same name.
 *
 * @param sideColumn the column telling the sides apart; {@code xSide} and {@code ySide} its values
 * @param pairBy     columns whose equal values pair an x row with a y row
 * @param offsets    {@code law} (E_x, E_y from each side's power law in compute) or {@code fit}
 */
public record LossToLossRequest(String table, String where, String sideColumn, String xSide, String ySide, List<String> pairBy,
                                String lossColumn, String flopsColumn, String offsets, double extrapolate, boolean translate, Path plots) {
    public LossToLossRequest {
        pairBy = List.copyOf(pairBy);
    }

    /**
     * Checks everything that can be checked without reading the table.
     *
     * @throws IllegalArgumentException one sentence naming the option and what was expected
     */
    public void check() {
        if (!offsets.equals("law") && !offsets.equals("fit")) {
            throw new IllegalArgumentException("Invalid --offsets '" + offsets + "': expected law or fit.");
        }
        if (!(extrapolate >= 0 && extrapolate < 1)) {
            throw new IllegalArgumentException("Invalid --extrapolate-fraction " + extrapolate + ": expected a fraction in [0, 1).");
        }
        if (pairBy.isEmpty()) {
            throw new IllegalArgumentException("fit-l2l needs --pair-by: the columns whose equal values pair an x row with a y row.");
        }
    }

    /** The request as the runs table stores it: option names to values. */
    public Map<String, Object> toConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("table", table);
        c.put("where", where);
        c.put("side-column", sideColumn);
        c.put("x-side", xSide);
        c.put("y-side", ySide);
        c.put("pair-by", pairBy);
        c.put("loss", lossColumn);
        c.put("flops", flopsColumn);
        c.put("offsets", offsets);
        c.put("extrapolate-fraction", extrapolate);
        c.put("translate", translate);
        c.put("plots", plots == null ? null : plots.toString());
        return c;
    }
}
