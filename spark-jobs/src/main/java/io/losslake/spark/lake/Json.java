package io.losslake.spark.lake;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.Map;

/**
 * The JSON written into the runs table (configurations, results) and read back to resume a run. A
 * figure that does not exist (NaN, an infinity) is written as null, as the tables' columns hold it
 * ({@link Rows#nullable}), never as Jackson's string "NaN".
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new SimpleModule("finite-or-null")
            .addSerializer(Double.class, new FiniteOrNull<>()).addSerializer(Double.TYPE, new FiniteOrNull<>())
            .addSerializer(Float.class, new FiniteOrNull<>()).addSerializer(Float.TYPE, new FiniteOrNull<>()));

    private static final class FiniteOrNull<T extends Number> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator out, SerializerProvider provider) throws IOException {
            double v = value.doubleValue();
            if (!Double.isFinite(v)) {
                out.writeNull();
            } else if (value instanceof Float f) {
                out.writeNumber(f);
            } else {
                out.writeNumber(v);
            }
        }
    }

    private Json() {
    }

    public static String of(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON object as a map, e.g. a run's stored configuration. */
    public static Map<String, Object> map(String json) {
        try {
            return MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not a JSON object: " + e.getOriginalMessage(), e);
        }
    }
}
