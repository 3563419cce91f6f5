package io.losslake.spark.report;

import io.losslake.scaling.plot.Figure;
import io.losslake.scaling.plot.Render;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML page: headings, paragraphs, tables and figures inlined as SVG (drawn by
 * the same renderer as the fits' plot files), with its style in the page. Nothing is loaded from
 * anywhere: the file opens offline, mailed or archived, as it was written.
 */
public final class HtmlPage {
    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
            h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
            p.sub{color:#666;margin-top:0}table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
            th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;vertical-align:top}th{background:#f4f4f4}
            td.t,th.t{text-align:left}.fig{max-width:820px}.fig svg{width:100%;height:auto}.note{color:#666;font-size:.9em}
            .failed{color:#b00020;font-weight:bold}
            """;

    private final StringBuilder body = new StringBuilder();
    private final String title;

    public HtmlPage(String title) {
        this.title = title;
    }

    public HtmlPage heading(String text, String subtitle) {
        body.append("<h1>").append(escape(text)).append("</h1>\n");
        if (subtitle != null) {
            body.append("<p class=\"sub\">").append(escape(subtitle)).append("</p>\n");
        }
        return this;
    }

    public HtmlPage section(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    public HtmlPage paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    public HtmlPage note(String text) {
        body.append("<p class=\"note\">").append(escape(text)).append("</p>\n");
        return this;
    }

    public HtmlPage failure(String text) {
        body.append("<p class=\"failed\">").append(escape(text)).append("</p>\n");
        return this;
    }

    /** A two-column table of names and values, in the map's order. */
    public HtmlPage keyValues(Map<String, ?> values) {
        body.append("<table>\n");
        values.forEach((k, v) -> body.append("<tr><th class=\"t\">").append(escape(k)).append("</th><td class=\"t\">")
                .append(escape(format(v))).append("</td></tr>\n"));
        body.append("</table>\n");
        return this;
    }

    /** A table; text cells are left-aligned, numbers right-aligned. */
    public HtmlPage table(List<String> headers, List<List<Object>> rows) {
        body.append("<table>\n<tr>");
        for (String h : headers) {
            body.append("<th>").append(escape(h)).append("</th>");
        }
        body.append("</tr>\n");
        for (List<Object> row : rows) {
            body.append("<tr>");
            for (Object v : row) {
                body.append(v instanceof Number ? "<td>" : "<td class=\"t\">").append(escape(format(v))).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** The figure drawn as inline SVG. */
    public HtmlPage figure(Figure figure) {
        String svg = Render.svg(figure);
        int start = svg.indexOf("<svg");
        body.append("<div class=\"fig\">").append(start < 0 ? svg : svg.substring(start)).append("</div>\n");
        return this;
    }

    public String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
    }

    /** Numbers as people read them: integers whole, others to 4 significant digits; null as an empty cell. */
    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                return "";
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.format(Locale.ROOT, "%,d", (long) d);
            }
            return Math.abs(d) >= 1e5 || Math.abs(d) < 1e-3 ? String.format(Locale.ROOT, "%.4g", d) : String.format(Locale.ROOT, "%.4f", d);
        }
        if (v instanceof Long || v instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
        }
        return String.valueOf(v);
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
