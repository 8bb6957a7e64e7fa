package io.distill4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Students of several runs side by side, matched by name, with accuracy deltas against the first run and what
 * differs between the runs (config keys, seed, versions, native binary, data). Runs on different datasets are
 * flagged and get no deltas.
 */
public record RunComparison(List<String> runs, List<String> datasets, boolean datasetsDiffer, List<Row> rows,
                            List<Difference> differences) {
    /** One student across runs: accuracy per run (null where the run has no such student) and delta vs the first run. */
    public record Row(String student, List<Long> params, List<Double> accuracy, List<Double> deltaVsFirst) {
    }

    /** One provenance or config item that differs between the first run and another. */
    public record Difference(String key, List<String> values) {
    }

    public static RunComparison of(List<Path> dirs) {
        List<RunReport> reports = new ArrayList<>();
        for (Path d : dirs) reports.add(RunReports.read(d));
        List<String> names = dirs.stream().map(d -> d.getFileName().toString()).toList();
        List<String> datasets = reports.stream().map(RunReport::dataset).toList();
        boolean differ = new TreeSet<>(datasets).size() > 1;
        LinkedHashSet<String> students = new LinkedHashSet<>();
        for (RunReport r : reports) r.models().stream().filter(m -> m.role().equals("student")).forEach(m -> students.add(m.name()));
        List<Row> rows = new ArrayList<>();
        for (String s : students) {
            List<Long> params = new ArrayList<>();
            List<Double> acc = new ArrayList<>();
            for (RunReport r : reports) {
                ModelSummary m = r.models().stream().filter(x -> x.name().equals(s) && x.role().equals("student")).findFirst().orElse(null);
                params.add(m == null ? null : m.params());
                acc.add(m == null ? null : m.figures().accuracy());
            }
            List<Double> delta = new ArrayList<>();
            for (Double a : acc) delta.add(differ || a == null || acc.get(0) == null ? null : a - acc.get(0));
            rows.add(new Row(s, params, acc, delta));
        }
        return new RunComparison(names, datasets, differ, rows, differences(dirs, reports));
    }

    private static List<Difference> differences(List<Path> dirs, List<RunReport> reports) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<JsonNode> configs = new ArrayList<>();
        for (Path d : dirs) {
            try {
                configs.add(new YAMLMapper().readTree(d.resolve("config.yaml").toFile()));
            } catch (IOException e) {
                throw new ReportException(d.resolve("config.yaml") + " is unreadable");
            }
        }
        TreeSet<String> keys = new TreeSet<>();
        for (JsonNode c : configs) flatten("", c, new LinkedHashMap<>()).keySet().forEach(keys::add);
        List<Map<String, String>> flat = configs.stream().map(c -> flatten("", c, new LinkedHashMap<>())).toList();
        for (String k : keys) {
            if (k.equals("name")) continue;   // runs are expected to have different names
            values.put("config " + k, flat.stream().map(f -> f.getOrDefault(k, "(absent)")).toList());
        }
        values.put("seed", reports.stream().map(r -> String.valueOf(r.provenance().seed())).toList());
        values.put("distill4j", reports.stream().map(r -> r.provenance().distill4jVersion() + " " + r.provenance().gitCommit()).toList());
        values.put("java", reports.stream().map(r -> r.provenance().java()).toList());
        values.put("native binary", reports.stream().map(r -> r.provenance().runtime() == null ? "?" : r.provenance().runtime().binary()).toList());
        values.put("threads", reports.stream().map(r -> r.provenance().runtime() == null ? "?" : String.valueOf(r.provenance().runtime().ompThreads())).toList());
        values.put("dataset", reports.stream().map(RunReport::dataset).toList());
        values.put("data sha256", reports.stream().map(r -> String.valueOf(r.provenance().dataSha256())).toList());
        List<Difference> out = new ArrayList<>();
        Map<String, List<String>> collapsed = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v.stream().noneMatch(x -> !Objects.equals(x, v.get(0)))) return;
            // a model present in one run and absent in another is one difference, not one per key
            String section = section(k);
            if (section != null && v.stream().anyMatch(x -> x.equals("(absent)") || x.equals("null"))) {
                String cfgKey = section.substring("config ".length());
                List<String> defined = flat.stream().map(f -> f.entrySet().stream().anyMatch(e ->
                        e.getKey().startsWith(cfgKey + ".") && !e.getValue().equals("null")) ? "defined" : "(none)").toList();
                // only a model defined in one run and not in another collapses; "defined | defined" would say nothing
                // (a key such as init set in one run only is a difference of its own, listed below)
                if (defined.stream().distinct().count() > 1) {
                    collapsed.putIfAbsent(section, defined);
                    return;
                }
            }
            out.add(new Difference(k, v));
        });
        collapsed.forEach((k, v) -> out.add(0, new Difference(k, v)));
        return out;
    }

    /** "config models.teacher" for any key under models.teacher / models.assistant, else null. */
    private static String section(String key) {
        for (String m : new String[]{"config models.teacher", "config models.assistant"}) {
            if (key.equals(m) || key.startsWith(m + ".")) return m;
        }
        return null;
    }

    private static Map<String, String> flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
            for (int i = 0; i < node.size(); i++) flatten(prefix + "[" + i + "]", node.get(i), out);
        } else {
            out.put(prefix, node.isTextual() ? node.asText() : node.toString());
        }
        return out;
    }

    // ---- renderings -------------------------------------------------------------------------------------

    public String render(String format) {
        return switch (format) {
            case "table" -> table();
            case "md" -> markdown();
            case "csv" -> csv();
            case "json" -> json();
            case "html" -> html();
            default -> throw new IllegalArgumentException("unknown format " + format);
        };
    }

    private String warning() {
        return datasetsDiffer ? "WARNING: the runs are on different datasets " + datasets + "; accuracies are not comparable, no deltas shown" : null;
    }

    private List<String> header() {
        List<String> h = new ArrayList<>(List.of("student", "params"));
        for (int i = 0; i < runs.size(); i++) {
            h.add(runs.get(i));
            if (i > 0) h.add("delta vs " + runs.get(0));
        }
        return h;
    }

    private List<List<String>> cells() {
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows) {
            List<String> c = new ArrayList<>();
            c.add(r.student());
            c.add(r.params().stream().filter(Objects::nonNull).findFirst().map(p -> String.format(Locale.ROOT, "%,d", p)).orElse("-"));
            for (int i = 0; i < runs.size(); i++) {
                Double a = r.accuracy().get(i);
                c.add(a == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * a));
                if (i > 0) {
                    Double d = r.deltaVsFirst().get(i);
                    c.add(d == null ? "n/a" : String.format(Locale.ROOT, "%+.2f pp", 100 * d));
                }
            }
            out.add(c);
        }
        return out;
    }

    private String differencesText(String bullet) {
        StringBuilder sb = new StringBuilder();
        if (differences.isEmpty()) return bullet + "no differences in config, seed, versions or data\n";
        for (Difference d : differences) sb.append(bullet).append(d.key()).append(": ").append(String.join(" | ", d.values())).append('\n');
        return sb.toString();
    }

    private String table() {
        List<String> h = header();
        List<List<String>> cells = cells();
        int[] w = new int[h.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = h.get(i).length();
            for (List<String> c : cells) w[i] = Math.max(w[i], c.get(i).length());
        }
        StringBuilder sb = new StringBuilder();
        if (warning() != null) sb.append(warning()).append("\n\n");
        appendRow(sb, h, w);
        for (List<String> c : cells) appendRow(sb, c, w);
        sb.append("\nwhat differs between the runs:\n").append(differencesText("  "));
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> c, int[] w) {
        for (int i = 0; i < c.size(); i++) {
            String f = i == 0 ? "%-" + w[i] + "s" : "  %" + w[i] + "s";
            sb.append(String.format(Locale.ROOT, f, c.get(i)));
        }
        sb.append('\n');
    }

    private String markdown() {
        StringBuilder sb = new StringBuilder("# Student comparison\n\n");
        if (warning() != null) sb.append("> **").append(Escaping.markdown(warning())).append("**\n\n");
        List<String> h = header();
        sb.append("| ").append(markdownCells(h)).append(" |\n|").append("---|".repeat(h.size())).append('\n');
        for (List<String> c : cells()) sb.append("| ").append(markdownCells(c)).append(" |\n");
        sb.append("\n## What differs between the runs\n\n");
        for (String line : differencesText("").split("\n")) sb.append("- ").append(Escaping.markdown(line)).append('\n');
        return sb.toString();
    }

    private static String markdownCells(List<String> cells) {
        return String.join(" | ", cells.stream().map(Escaping::markdown).toList());
    }

    private String csv() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", header().stream().map(RunComparison::csvCell).toList())).append('\n');
        for (List<String> c : cells()) sb.append(String.join(",", c.stream().map(RunComparison::csvCell).toList())).append('\n');
        return sb.toString();
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private String json() {
        return toJson(this);
    }

    /** Indented JSON of a comparison record (the {@code --format json} output of compare). */
    public static String toJson(Object comparison) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(comparison) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String html() {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Distill4J comparison</title>"
                + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}"
                + ".warn{color:#a00;font-weight:bold}</style></head><body><h1>Student comparison</h1>\n");
        if (warning() != null) sb.append("<p class=\"warn\">").append(Escaping.html(warning())).append("</p>\n");
        sb.append("<table><tr>");
        for (String h : header()) sb.append("<th>").append(Escaping.html(h)).append("</th>");
        sb.append("</tr>\n");
        for (List<String> c : cells()) {
            sb.append("<tr>");
            for (String v : c) sb.append("<td>").append(Escaping.html(v)).append("</td>");
            sb.append("</tr>\n");
        }
        sb.append("</table>\n<h2>What differs between the runs</h2>\n<ul>\n");
        for (String line : differencesText("").split("\n")) sb.append("<li>").append(Escaping.html(line)).append("</li>\n");
        sb.append("</ul></body></html>\n");
        return sb.toString();
    }
}
