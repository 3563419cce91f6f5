package io.losslake.common;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The options a user gave one extension, checked against what it declares: every given key is one
 * of its {@link Param}s (else one sentence naming the key and what the extension takes), and
 * {@link #get} parses a value or falls back to the default.
 */
public final class Values {
    private final Descriptor owner;
    private final Map<String, String> given;

    private Values(Descriptor owner, Map<String, String> given) {
        this.owner = owner;
        this.given = given;
    }

    /**
     * {@code given} (option key to text) for {@code owner}.
     *
     * @throws IllegalArgumentException if a key is not one of the owner's options
     */
    public static Values of(Descriptor owner, Map<String, String> given) {
        for (String key : given.keySet()) {
            if (owner.params().stream().noneMatch(p -> p.key().equals(key))) {
                List<Param<?>> params = owner.params();
                throw new IllegalArgumentException("--" + key + " does not apply to the " + owner.name() + " " + owner.kind().noun()
                        + (params.isEmpty() ? ", which takes no " + owner.kind().optionsNoun() + "."
                        : "; it takes " + flags(params) + "."));
            }
        }
        return new Values(owner, Collections.unmodifiableMap(new TreeMap<>(given)));
    }

    /** The given value of {@code param}, else its default; null when neither exists. */
    public <T> T get(Param<T> param) {
        String text = given.getOrDefault(param.key(), param.defaultText());
        return text == null ? null : param.parse(text);
    }

    /** The given value or default of {@code param}; fails with one sentence when there is neither. */
    public <T> T require(Param<T> param) {
        T value = get(param);
        if (value == null) {
            throw new IllegalArgumentException("The " + owner.name() + " " + owner.kind().noun() + " needs " + param.flag() + ".");
        }
        return value;
    }

    /** Whether the user gave {@code param}. */
    public boolean has(Param<?> param) {
        return given.containsKey(param.key());
    }

    /** The options as given (not the defaults), sorted by key. */
    public Map<String, String> given() {
        return given;
    }

    /** Every option's effective text: the given ones over the defaults, sorted by key. */
    public Map<String, String> effective() {
        Map<String, String> all = new TreeMap<>();
        for (Param<?> p : owner.params()) {
            if (p.defaultText() != null) {
                all.put(p.key(), p.defaultText());
            }
        }
        all.putAll(given);
        return all;
    }

    private static String flags(List<Param<?>> params) {
        return params.stream().map(Param::flag).sorted().collect(Collectors.joining(", "));
    }
}
