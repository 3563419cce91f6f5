package io.losslake.spark.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;

/** A YAML file's parse error as part of one sentence, not the parser's multi-line dump. */
public final class YamlErrors {
    private YamlErrors() {
    }

    /**
     * A YAML parser's complaint as one clause: the parser's own lines ("while parsing a flow
     * sequence", "expected ',' or ']', but got :") without its quoted excerpt and markers, then where.
     */
    public static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        String problem = String.join(", ", message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).map(String::strip)
                .map(l -> l.replaceAll("[.:]$", "").strip()).toList());
        if (problem.isEmpty()) {
            problem = message.lines().findFirst().orElse("unreadable").strip();
        }
        return problem + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    }
}
