package io.distill4j.report;

import java.util.Locale;

/** Renders the models of a report, then each student's gain over its scratch twin, as fixed-width text for the console. */
public final class ReportTable {
    private ReportTable() {
    }

    public static String render(RunReport report) {
        int nameWidth = Math.max(5, report.models().stream().mapToInt(m -> m.name().length()).max().orElse(5));
        String split = "test".equals(report.evaluatedOn()) ? "test" : "val";
        int familyWidth = Math.max(6, report.models().stream().mapToInt(m -> m.family().length()).max().orElse(6));
        String format = "%-" + nameWidth + "s  %-9s  %-" + familyWidth + "s  %-10s  %10s  %8s  %8s  %8s  %9s  %10s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, format, "model", "role", "family", "learns", "params", split + " acc", "macro-F1",
                "agree", split + " loss", "ms/example"));
        for (ModelSummary m : report.models()) {
            ModelEvaluation t = m.figures();
            sb.append(String.format(Locale.ROOT, format, m.name(), m.role(), m.family(), m.learnsFrom(),
                    String.format(Locale.ROOT, "%,d", m.params()), pct(t.accuracy()), pct(t.macroF1()),
                    t.agreement() == null ? "-" : pct(t.agreement()), String.format(Locale.ROOT, "%.4f", t.loss()),
                    m.inference() == null ? "-" : String.format(Locale.ROOT, "%.3f", m.inference().latencyMsBatch1())));
        }
        if (!report.gains().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nwhat distillation bought (student vs its scratch twin: same initial weights and "
                    + "batches, labels alone)%n"));
            String g = "%-" + nameWidth + "s  %9s  %9s  %9s  %9s%n";
            sb.append(String.format(Locale.ROOT, g, "student", split + " acc", "twin", "gain", "val gain"));
            for (StudentGain s : report.gains()) {
                sb.append(String.format(Locale.ROOT, g, s.student(), pct(s.shownAccuracy()), pct(s.shownTwinAccuracy()),
                        pp(s.shownGainPp()), pp(s.validationGainPp())));
            }
        }
        return sb.toString();
    }

    static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    /** A gain in percentage points with its sign. */
    static String pp(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%+.2f pp", v);
    }
}
