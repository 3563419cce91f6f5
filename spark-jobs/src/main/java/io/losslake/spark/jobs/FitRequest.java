package io.losslake.spark.jobs;

import io.losslake.scaling.fit.Forms;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scaling-law fits over a table, as asked for ({@code losslake fit}); each component is the option
 * of the same name.
 *
 * @param table  a table of the lake, read when {@code input} is null
 * @param input  any table path instead, read as {@code format}
 * @param where  a row filter (Spark SQL), or null
 * @param forms  law forms by name, or {@code isoflop} (Approach 2)
 * @param plots  a folder for PNG and SVG figures, or null
 * @param json   print the fits as JSON instead of a table
 */
public record FitRequest(String table, String input, String format, String where, List<String> forms, String lossColumn, String flopsColumn,
                         String paramsColumn, String examplesColumn, String budgetColumn, List<String> groupBy, int bootstrap, double level,
                         double extrapolate, Path plots, boolean json, long seed) {
    /** Approach 2's name among the forms: not a law form but parabolas per budget. */
    public static final String ISOFLOP = "isoflop";

    public FitRequest {
        forms = forms.stream().map(f -> f.toLowerCase(Locale.ROOT)).toList();
        groupBy = List.copyOf(groupBy == null ? List.of() : groupBy);
    }

    /**
     * Checks everything that can be checked without reading the table.
     *
     * @throws IllegalArgumentException one sentence naming the option and what was expected
     */
    public void check() {
        if (forms.isEmpty()) {
            throw new IllegalArgumentException("fit needs at least one --form.");
        }
        for (String form : forms) {
            if (!form.equals(ISOFLOP)) {
                try {
                    Forms.byName(form);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage().replace("expected one of ", "expected one of " + ISOFLOP + ", "), e);
                }
            }
        }
        if (bootstrap < 0 || !(level > 0 && level < 1) || !(extrapolate >= 0 && extrapolate < 1)) {
            throw new IllegalArgumentException("Invalid --bootstrap " + bootstrap + ", --level " + level + " or --extrapolate-fraction " + extrapolate
                    + ": expected 0 or more resamples, a level in (0, 1) and a fraction in [0, 1).");
        }
    }

    /** The request as the runs table stores it: option names to values. */
    public Map<String, Object> toConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("table", table);
        c.put("input", input);
        c.put("format", format);
        c.put("where", where);
        c.put("form", forms);
        c.put("loss", lossColumn);
        c.put("flops", flopsColumn);
        c.put("params", paramsColumn);
        c.put("examples", examplesColumn);
        c.put("budget", budgetColumn);
        c.put("group-by", groupBy);
        c.put("bootstrap", bootstrap);
        c.put("level", level);
        c.put("extrapolate-fraction", extrapolate);
        c.put("plots", plots == null ? null : plots.toString());
        c.put("json", json);
        c.put("seed", seed);
        return c;
    }
}
