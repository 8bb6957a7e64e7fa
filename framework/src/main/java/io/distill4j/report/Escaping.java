package io.distill4j.report;

/**
 * Makes a value from a report (model names, config values, provenance: anything a user or a hand-edited report.json
 * controls) safe to put into HTML or a Markdown table, so it always reads as text and never as markup.
 */
public final class Escaping {
    private Escaping() {
    }

    /** Text or a double- or single-quoted attribute value in HTML (and inline SVG). */
    public static String html(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    /**
     * One Markdown table cell or line: a line break would end the row (or start a heading), a pipe would start a new
     * cell, and {@code <} would open raw HTML, which many Markdown viewers render.
     */
    public static String markdown(String s) {
        if (s == null) return "";
        return s.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ').replace("|", "\\|").replace("<", "&lt;");
    }
}
