package io.losslake.common;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One option of an extension (a strategy's {@code mu}, a scheme's {@code alpha}): its key (the
 * command-line flag without dashes, and the key in config files), its default, its help text, how
 * its text is parsed and which values it accepts. Command lines, help texts, config-file keys and
 * validation are all generated from these, so an option is declared once, in the file of the
 * extension that takes it.
 *
 * @param key          flag name without dashes, e.g. {@code server-lr}
 * @param defaultText  the default as users would type it, or null when the option has no default
 *                     (then the extension must be given it, or treats it as absent)
 * @param help         one line for the help text
 * @param parser       text to value; throws {@link IllegalArgumentException} or {@link NumberFormatException} on bad text
 * @param format       what {@code parser} reads, in words ("a number"), for the error message
 * @param check        which parsed values are accepted
 * @param expectation  what {@code check} accepts, in words ("a positive number"), for the error message
 */
public record Param<T>(String key, String defaultText, String help, Function<String, T> parser, String format, Predicate<T> check,
                       String expectation) {

    public Param {
        if (key == null || !key.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("option keys are lower-case flag names, got '" + key + "'");
        }
    }

    /** A real number; {@code defaultValue} may be null (no default). */
    public static Param<Double> number(String key, Double defaultValue, String help) {
        return new Param<>(key, defaultValue == null ? null : text(defaultValue), help, s -> Double.parseDouble(s.trim()), "a number", v -> true,
                "a number");
    }

    /** A whole number. */
    public static Param<Integer> integer(String key, Integer defaultValue, String help) {
        return new Param<>(key, defaultValue == null ? null : defaultValue.toString(), help, s -> Integer.parseInt(s.trim()), "a whole number",
                v -> true, "a whole number");
    }

    /** true or false. */
    public static Param<Boolean> bool(String key, Boolean defaultValue, String help) {
        return new Param<>(key, defaultValue == null ? null : defaultValue.toString(), help, s -> {
            if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(s);
            }
            return Boolean.parseBoolean(s);
        }, "true or false", v -> true, "true or false");
    }

    /** One of {@code choices}, case-insensitive, returned in lower case. */
    public static Param<String> choice(String key, String defaultValue, String help, List<String> choices) {
        return new Param<>(key, defaultValue, help, s -> s.trim().toLowerCase(Locale.ROOT), String.join(" or ", choices),
                choices::contains, String.join(" or ", choices));
    }

    /** This option accepting only values for which {@code accepted} holds, described as {@code expected}. */
    public Param<T> accepting(Predicate<T> accepted, String expected) {
        return new Param<>(key, defaultText, help, parser, format, check.and(accepted), expected);
    }

    /** The flag users type, e.g. {@code --server-lr}. */
    public String flag() {
        return "--" + key;
    }

    /**
     * Parses and checks {@code text}.
     *
     * @throws IllegalArgumentException one sentence naming the flag, the text and what was expected
     */
    public T parse(String text) {
        T value;
        try {
            value = parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid " + flag() + " '" + text + "': expected " + format + ".", e);
        }
        if (!check.test(value)) {
            throw new IllegalArgumentException("Invalid " + flag() + " " + (value instanceof String ? "'" + value + "'" : value) + ": expected "
                    + expectation + ".");
        }
        return value;
    }

    /** A number as users would type it: 0.01, 1.0, 1e-3. */
    private static String text(double value) {
        return Double.toString(value);
    }
}
