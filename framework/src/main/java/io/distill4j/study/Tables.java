package io.distill4j.study;

import io.distill4j.report.Escaping;

import java.util.List;
import java.util.Locale;

/** One header and rows of cells rendered as fixed-width text, Markdown, CSV or an HTML table (escaped). */
final class Tables {
    private Tables() {
    }

    static String text(List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) w[i] = Math.max(w[i], r.get(i).length());
        }
        StringBuilder sb = new StringBuilder();
        textRow(sb, header, w);
        for (List<String> r : rows) textRow(sb, r, w);
        return sb.toString();
    }

    private static void textRow(StringBuilder sb, List<String> c, int[] w) {
        for (int i = 0; i < c.size(); i++) {
            sb.append(String.format(Locale.ROOT, i == 0 ? "%-" + w[i] + "s" : "  %" + w[i] + "s", c.get(i)));
        }
        sb.append('\n');
    }

    static String markdown(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", header.stream().map(Escaping::markdown).toList())).append(" |\n|")
                .append("---|".repeat(header.size())).append('\n');
        for (List<String> r : rows) sb.append("| ").append(String.join(" | ", r.stream().map(Escaping::markdown).toList())).append(" |\n");
        return sb.toString();
    }

    static String csv(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", header.stream().map(Tables::csvCell).toList())).append('\n');
        for (List<String> r : rows) sb.append(String.join(",", r.stream().map(Tables::csvCell).toList())).append('\n');
        return sb.toString();
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String html(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("<table><tr>");
        for (String h : header) sb.append("<th>").append(esc(h)).append("</th>");
        sb.append("</tr>\n");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (String c : r) sb.append("<td>").append(esc(c)).append("</td>");
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    static String esc(String s) {
        return Escaping.html(s);
    }
}
