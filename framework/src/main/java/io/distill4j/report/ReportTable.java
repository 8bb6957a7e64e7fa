package io.distill4j.report;

import java.util.Locale;

/** Renders the models of a report as a fixed-width text table for the console. */
public final class ReportTable {
    private ReportTable() {
    }

    public static String render(RunReport report) {
        int nameWidth = Math.max(5, report.models().stream().mapToInt(m -> m.name().length()).max().orElse(5));
        String format = "%-" + nameWidth + "s  %-9s  %-6s  %-10s  %10s  %8s  %8s  %8s  %9s  %10s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, format, "model", "role", "family", "learns", "params", "test acc", "macro-F1",
                "agree", "test loss", "ms/example"));
        for (ModelSummary m : report.models()) {
            ModelEvaluation t = m.test();
            sb.append(String.format(Locale.ROOT, format, m.name(), m.role(), m.family(), m.learnsFrom(),
                    String.format(Locale.ROOT, "%,d", m.params()), pct(t.accuracy()), pct(t.macroF1()),
                    t.agreement() == null ? "-" : pct(t.agreement()), String.format(Locale.ROOT, "%.4f", t.loss()),
                    m.inference() == null ? "-" : String.format(Locale.ROOT, "%.3f", m.inference().latencyMsBatch1())));
        }
        return sb.toString();
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
}
