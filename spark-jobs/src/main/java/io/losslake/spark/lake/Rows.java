package io.losslake.spark.lake;

import java.util.LinkedHashMap;
import java.util.Map;
import scala.collection.JavaConverters;

/** Values as the tables hold them: one rule for missing figures, Scala maps for map columns. */
public final class Rows {
    private Rows() {
    }

    /** A figure for a nullable column: NaN and infinities (not computed, or not a number) become null. */
    public static Double nullable(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** A map column's value, in the map's order. */
    public static <K, V> scala.collection.Map<K, V> map(Map<K, V> map) {
        return JavaConverters.mapAsScalaMap(new LinkedHashMap<>(map));
    }

    /** A map of figures without the missing ones (see {@link #nullable}). */
    public static scala.collection.Map<String, Double> figures(Map<String, Double> map) {
        Map<String, Double> finite = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null && Double.isFinite(v)) {
                finite.put(k, v);
            }
        });
        return map(finite);
    }
}
