package io.distill4j.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link RunReport} as Markdown and as one self-contained HTML page with inline SVG plots. */
public final class ReportRenderer {
    private ReportRenderer() {
    }

    public static String markdown(RunReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(md(r.run())).append("\n\n");
        sb.append(md(summaryLine(r))).append("\n\n");
        sb.append("| model | role | family | learns from | params | export | compression (params / bytes) | test acc | macro-F1 | agree w/ teacher | test loss | latency b=1 | throughput b=128 |\n");
        sb.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ModelSummary m : r.models()) {
            ModelEvaluation t = m.figures();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %,d | %s | %s | %s | %s | %s | %.4f | %s | %s |%n",
                    md(m.name()), md(m.role()), md(m.family()), md(m.learnsFrom()), m.params(), bytes(m.exportBytes()), compression(m),
                    ReportTable.pct(t.accuracy()), ReportTable.pct(t.macroF1()), t.agreement() == null ? "-" : ReportTable.pct(t.agreement()),
                    t.loss(), m.inference() == null ? "-" : String.format(Locale.ROOT, "%.3f ms", m.inference().latencyMsBatch1()),
                    m.inference() == null ? "-" : String.format(Locale.ROOT, "%,.0f /s", m.inference().samplesPerSecondBatch128())));
        }
        if (!r.gains().isEmpty()) {
            sb.append("\n## What distillation bought\n\nEach student against its scratch twin: the same architecture, the same initial "
                    + "weights and the same batches, trained on labels alone in the same run.\n\n");
            sb.append("| student | ").append(r.evaluatedOn()).append(" acc | twin | gain | validation gain |\n|---|---:|---:|---:|---:|\n");
            for (StudentGain g : r.gains()) {
                sb.append("| ").append(md(g.student())).append(" | ").append(ReportTable.pct(g.shownAccuracy()))
                        .append(" | ").append(ReportTable.pct(g.shownTwinAccuracy())).append(" | ")
                        .append(ReportTable.pp(g.shownGainPp())).append(" | ")
                        .append(ReportTable.pp(g.validationGainPp())).append(" |\n");
            }
        }
        perClassMarkdown(r, sb);
        sb.append("\n## Provenance\n\n");
        for (Map.Entry<String, String> e : provenanceRows(r.provenance()).entrySet()) {
            sb.append("- **").append(md(e.getKey())).append("**: ").append(md(e.getValue())).append('\n');
        }
        sb.append("\nPlots: see report.html.\n");
        return sb.toString();
    }

    public static String html(RunReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(r.run()))
                .append(" - Distill4J report</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                        + "td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}.plots{display:flex;flex-wrap:wrap;gap:1em}"
                        + "figure{margin:0}.meta{color:#555}table.confusion td{min-width:2.5em}table.confusion th.cls{max-width:8em;"
                        + "white-space:normal;overflow-wrap:anywhere;vertical-align:bottom}table.confusion td.diag{font-weight:bold}table.confusion td.zero{color:#aaa}"
                        + "</style></head><body>\n");
        sb.append("<h1>").append(esc(r.run())).append("</h1>\n<p class=\"meta\">").append(esc(summaryLine(r))).append("</p>\n");
        sb.append("<table id=\"models\"><tr><th>model</th><th>role</th><th>family</th><th>learns from</th><th>params</th><th>export</th>"
                + "<th>compression (params / bytes)</th><th>test acc</th><th>macro-F1</th><th>agree w/ teacher</th><th>test loss</th>"
                + "<th>latency b=1</th><th>throughput b=128</th></tr>\n");
        for (ModelSummary m : r.models()) {
            ModelEvaluation t = m.figures();
            sb.append(String.format(Locale.ROOT, "<tr data-model=\"%s\"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%,d</td><td>%s</td>"
                            + "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.4f</td><td>%s</td><td>%s</td></tr>%n",
                    esc(m.name()), esc(m.name()), esc(m.role()), esc(m.family()), esc(m.learnsFrom()), m.params(), bytes(m.exportBytes()),
                    compression(m), ReportTable.pct(t.accuracy()), ReportTable.pct(t.macroF1()),
                    t.agreement() == null ? "-" : ReportTable.pct(t.agreement()), t.loss(),
                    m.inference() == null ? "-" : String.format(Locale.ROOT, "%.3f ms", m.inference().latencyMsBatch1()),
                    m.inference() == null ? "-" : String.format(Locale.ROOT, "%,.0f /s", m.inference().samplesPerSecondBatch128())));
        }
        sb.append("</table>\n");
        if (!r.gains().isEmpty()) {
            sb.append("<h2>What distillation bought</h2>\n<p class=\"meta\">Each student against its scratch twin: the same "
                    + "architecture, initial weights and batches, trained on labels alone in the same run.</p>\n<table id=\"gains\">"
                    + "<tr><th>student</th><th>").append(esc(r.evaluatedOn())).append(" acc</th><th>twin</th><th>gain</th><th>validation gain</th></tr>\n");
            for (StudentGain g : r.gains()) {
                sb.append("<tr><td>").append(esc(g.student())).append("</td><td>")
                        .append(ReportTable.pct(g.shownAccuracy())).append("</td><td>")
                        .append(ReportTable.pct(g.shownTwinAccuracy())).append("</td><td>")
                        .append(ReportTable.pp(g.shownGainPp())).append("</td><td>")
                        .append(ReportTable.pp(g.validationGainPp())).append("</td></tr>\n");
            }
            sb.append("</table>\n");
        }
        sb.append("<div class=\"plots\">\n");
        // the SVGs draw glyphs as paths, so each figure also names its series in text (searchable, accessible)
        String series = esc(String.join(", ", r.curves().stream().map(Curve::model).toList()));
        sb.append("<figure id=\"plot-accuracy\">").append(Charts.learningCurves(r.curves(), true))
                .append("<figcaption>Validation accuracy vs step: ").append(series).append("</figcaption></figure>\n");
        sb.append("<figure id=\"plot-loss\">").append(Charts.learningCurves(r.curves(), false))
                .append("<figcaption>Validation loss vs step: ").append(series).append("</figcaption></figure>\n");
        sb.append("<figure id=\"plot-ladder\">").append(Charts.accuracyVsParameters(r.models()))
                .append("<figcaption>").append(esc(r.evaluatedOn())).append(" accuracy vs parameters (scratch twins as a second series): ").append(esc(String.join(", ", r.models().stream()
                        .map(m -> m.name() + " " + String.format(Locale.ROOT, "%,d", m.params()) + " params "
                                + ReportTable.pct(m.figures().accuracy())).toList()))).append("</figcaption></figure>\n</div>\n");
        perClassHtml(r, sb);
        sb.append("<h2>Provenance</h2>\n<table id=\"provenance\">");
        for (Map.Entry<String, String> e : provenanceRows(r.provenance()).entrySet()) {
            sb.append("<tr><th>").append(esc(e.getKey())).append("</th><td style=\"text-align:left\">").append(esc(e.getValue())).append("</td></tr>");
        }
        sb.append("</table>\n</body></html>\n");
        return sb.toString();
    }

    /** Above this many classes the report shows the most confused pairs of classes instead of the full matrix. */
    static final int MAX_MATRIX_CLASSES = 20;
    /** How many of the most confused pairs a report of many classes lists. */
    static final int CONFUSED_PAIRS = 10;

    /** A confusion cell off the diagonal: {@code count} examples of class {@code truth} predicted as {@code predicted}. */
    record Confusion(int truth, int predicted, long count, long truthTotal) {
    }

    /** The models whose per-class figures the report shows, in report order. */
    private static List<ModelSummary> withPerClass(RunReport r) {
        return r.models().stream().filter(m -> m.figures() != null && m.figures().perClassAccuracy() != null).toList();
    }

    /**
     * The models whose confusion matrix the report shows: the teacher and the best student (highest accuracy), or the
     * best model when the run has neither.
     */
    static List<ModelSummary> confusionModels(RunReport r) {
        List<ModelSummary> with = r.models().stream().filter(m -> m.figures() != null && m.figures().confusion() != null).toList();
        List<ModelSummary> shown = new java.util.ArrayList<>();
        with.stream().filter(m -> "teacher".equals(m.role())).findFirst().ifPresent(shown::add);
        with.stream().filter(m -> "student".equals(m.role()))
                .max(java.util.Comparator.comparingDouble(m -> m.figures().accuracy())).ifPresent(shown::add);
        if (shown.isEmpty()) with.stream().max(java.util.Comparator.comparingDouble(m -> m.figures().accuracy())).ifPresent(shown::add);
        return shown;
    }

    /** The {@code limit} largest off-diagonal cells, largest first (ties: by true class, then predicted class). */
    static List<Confusion> mostConfused(long[][] confusion, int limit) {
        List<Confusion> cells = new java.util.ArrayList<>();
        for (int t = 0; t < confusion.length; t++) {
            long total = java.util.Arrays.stream(confusion[t]).sum();
            for (int p = 0; p < confusion[t].length; p++) {
                if (p != t && confusion[t][p] > 0) cells.add(new Confusion(t, p, confusion[t][p], total));
            }
        }
        cells.sort(java.util.Comparator.comparingLong(Confusion::count).reversed());   // stable: index order among ties
        return cells.subList(0, Math.min(limit, cells.size()));
    }

    private static String className(List<String> names, int k) {
        return k < names.size() ? names.get(k) : String.valueOf(k);
    }

    private static String perClassTitle(RunReport r) {
        return "Per-class " + r.evaluatedOn() + " accuracy (recall)";
    }

    private static String confusionTitle(ModelSummary m) {
        return "Confusion matrix: " + m.name() + " (" + m.role() + ", " + (m.test() != null ? "test" : "validation") + ")";
    }

    private static String mostConfusedTitle(ModelSummary m) {
        return "Most confused classes: " + m.name() + " (" + m.role() + ", " + (m.test() != null ? "test" : "validation") + ")";
    }

    private static void perClassMarkdown(RunReport r, StringBuilder sb) {
        List<ModelSummary> models = withPerClass(r);
        if (models.isEmpty()) return;
        List<String> names = r.classNames();
        int c = models.stream().mapToInt(m -> m.figures().perClassAccuracy().length).max().orElse(0);
        sb.append("\n## ").append(perClassTitle(r)).append("\n\n| class |");
        for (ModelSummary m : models) sb.append(' ').append(md(m.name())).append(" |");
        sb.append("\n|---|").append("---:|".repeat(models.size())).append('\n');
        for (int k = 0; k < c; k++) {
            sb.append("| ").append(md(className(names, k))).append(" |");
            for (ModelSummary m : models) {
                double[] a = m.figures().perClassAccuracy();
                sb.append(k < a.length ? String.format(Locale.ROOT, " %.1f%% |", 100 * a[k]) : " - |");
            }
            sb.append('\n');
        }
        for (ModelSummary m : confusionModels(r)) {
            long[][] cm = m.figures().confusion();
            if (cm.length > MAX_MATRIX_CLASSES) {
                sb.append("\n## ").append(md(mostConfusedTitle(m))).append("\n\nThe ").append(CONFUSED_PAIRS)
                        .append(" largest cells off the diagonal of the ").append(cm.length).append("-class confusion matrix "
                                + "(the full matrix is in report.json).\n\n| true class | predicted as | examples | share of the true class |\n"
                                + "|---|---|---:|---:|\n");
                for (Confusion x : mostConfused(cm, CONFUSED_PAIRS)) {
                    sb.append("| ").append(md(className(names, x.truth()))).append(" | ").append(md(className(names, x.predicted())))
                            .append(" | ").append(x.count()).append(" | ").append(ReportTable.pct((double) x.count() / x.truthTotal())).append(" |\n");
                }
                continue;
            }
            sb.append("\n## ").append(md(confusionTitle(m))).append("\n\nRows: true class; columns: predicted class.\n\n| true \\ predicted |");
            for (int k = 0; k < cm.length; k++) sb.append(' ').append(md(className(names, k))).append(" |");
            sb.append("\n|---|").append("---:|".repeat(cm.length)).append('\n');
            for (int t = 0; t < cm.length; t++) {
                sb.append("| ").append(md(className(names, t))).append(" |");
                for (int p = 0; p < cm[t].length; p++) sb.append(t == p ? " **" + cm[t][p] + "** |" : " " + cm[t][p] + " |");
                sb.append('\n');
            }
        }
    }

    private static void perClassHtml(RunReport r, StringBuilder sb) {
        List<ModelSummary> models = withPerClass(r);
        if (models.isEmpty()) return;
        List<String> names = r.classNames();
        int c = models.stream().mapToInt(m -> m.figures().perClassAccuracy().length).max().orElse(0);
        sb.append("<h2>").append(esc(perClassTitle(r))).append("</h2>\n<table id=\"per-class\"><tr><th>class</th>");
        for (ModelSummary m : models) sb.append("<th>").append(esc(m.name())).append("</th>");
        sb.append("</tr>\n");
        for (int k = 0; k < c; k++) {
            sb.append("<tr><td>").append(esc(className(names, k))).append("</td>");
            for (ModelSummary m : models) {
                double[] a = m.figures().perClassAccuracy();
                sb.append("<td>").append(k < a.length ? String.format(Locale.ROOT, "%.1f%%", 100 * a[k]) : "-").append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
        for (ModelSummary m : confusionModels(r)) {
            long[][] cm = m.figures().confusion();
            if (cm.length > MAX_MATRIX_CLASSES) {
                sb.append("<h2>").append(esc(mostConfusedTitle(m))).append("</h2>\n<p class=\"meta\">The ").append(CONFUSED_PAIRS)
                        .append(" largest cells off the diagonal of the ").append(cm.length)
                        .append("-class confusion matrix (the full matrix is in report.json).</p>\n<table class=\"confused\" data-model=\"")
                        .append(esc(m.name())).append("\"><tr><th>true class</th><th>predicted as</th><th>examples</th><th>share of the true class</th></tr>\n");
                for (Confusion x : mostConfused(cm, CONFUSED_PAIRS)) {
                    sb.append("<tr><td>").append(esc(className(names, x.truth()))).append("</td><td style=\"text-align:left\">")
                            .append(esc(className(names, x.predicted()))).append("</td><td>").append(x.count()).append("</td><td>")
                            .append(ReportTable.pct((double) x.count() / x.truthTotal())).append("</td></tr>\n");
                }
                sb.append("</table>\n");
                continue;
            }
            sb.append("<h2>").append(esc(confusionTitle(m))).append("</h2>\n<p class=\"meta\">Rows: true class; columns: predicted "
                    + "class; shading: share of the row.</p>\n<table class=\"confusion\" data-model=\"").append(esc(m.name()))
                    .append("\"><tr><th>true \\ predicted</th>");
            for (int k = 0; k < cm.length; k++) sb.append("<th class=\"cls\">").append(esc(className(names, k))).append("</th>");
            sb.append("</tr>\n");
            for (int t = 0; t < cm.length; t++) {
                long total = java.util.Arrays.stream(cm[t]).sum();
                sb.append("<tr><th>").append(esc(className(names, t))).append("</th>");
                for (int p = 0; p < cm[t].length; p++) {
                    double share = total == 0 ? 0 : (double) cm[t][p] / total;
                    String colour = t == p ? "44,160,44" : "214,39,40";
                    sb.append(String.format(Locale.ROOT, "<td%s style=\"background:rgba(%s,%.2f)\">%d</td>",
                            t == p ? " class=\"diag\"" : cm[t][p] == 0 ? " class=\"zero\"" : "",
                            colour, cm[t][p] == 0 ? 0 : 0.1 + 0.6 * share, cm[t][p]));
                }
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
        }
    }

    private static String summaryLine(RunReport r) {
        return String.format(Locale.ROOT, "%s on %s: %s, step %d of %d, %.1f s of training. Schema v%d.", r.run(), r.dataset(),
                r.status(), r.steps(), r.totalSteps(), r.trainingSeconds(), r.schemaVersion());
    }

    private static String forced(io.distill4j.runtime.NativeRuntime rt) {
        String env = rt.openblasCoretypeEnv();
        return env == null || env.equals("(unset)") ? "" : ", OPENBLAS_CORETYPE=" + env;
    }

    private static Map<String, String> provenanceRows(Provenance p) {
        Map<String, String> rows = new java.util.LinkedHashMap<>();
        if (p == null) return rows;
        rows.put("distill4j", p.distill4jVersion() + " (git " + p.gitCommit() + ")");
        rows.put("java / os", p.java() + " / " + p.os() + " " + p.arch());
        if (p.runtime() != null) {
            rows.put("nd4j", p.runtime().backend() + ", binary " + p.runtime().binary() + ", " + p.runtime().ompThreads()
                    + " OpenMP thread(s), BLAS " + p.runtime().blasVendor()
                    + (p.runtime().blasCore() == null ? "" : " (core " + p.runtime().blasCore() + forced(p.runtime()) + ")"));
            if (p.runtime().cpu() != null) rows.put("cpu", p.runtime().cpu());
        }
        if (p.precision() != null) rows.put("precision", p.precision());
        rows.put("seed", String.valueOf(p.seed()));
        rows.put("config hash", p.configHash());
        rows.put("dataset", p.dataset());
        if (p.dataSha256() != null) p.dataSha256().forEach((f, h) -> rows.put("sha256 " + f, h));
        rows.put("command", p.commandLine() == null ? "" : String.join(" ", p.commandLine()));
        rows.put("created", p.createdAt());
        List<Provenance.Resume> resumes = p.resumes() == null ? List.of() : p.resumes();
        for (int i = 0; i < resumes.size(); i++) {
            Provenance.Resume res = resumes.get(i);
            rows.put("resume " + (i + 1), "from step " + res.fromStep() + " at " + res.at()
                    + (res.changedConfigKeys() == null || res.changedConfigKeys().isEmpty() ? "" : ", changed " + res.changedConfigKeys())
                    + (res.kernelChange() == null ? "" : ", other kernels (not bitwise identical): " + res.kernelChange()));
        }
        return rows;
    }

    private static String compression(ModelSummary m) {
        if (m.compressionParams() == null) return "-";
        return String.format(Locale.ROOT, "%.1fx / %s", m.compressionParams(),
                m.compressionBytes() == null ? "-" : String.format(Locale.ROOT, "%.1fx", m.compressionBytes()));
    }

    private static String bytes(Long b) {
        if (b == null) return "-";
        return b >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0) : String.format(Locale.ROOT, "%.0f KiB", b / 1024.0);
    }

    private static String esc(String s) {
        return Escaping.html(s);
    }

    private static String md(String s) {
        return Escaping.markdown(s);
    }
}
