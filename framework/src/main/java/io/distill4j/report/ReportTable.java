package io.distill4j.report;

import java.util.Locale;

/** Renders the models of a report as a fixed-width text table for the console. */
public final class ReportTable {
    private ReportTable() {
    }

    public static String render(RunReport report) {
        int nameWidth = Math.max(5, report.models().stream().mapToInt(m -> m.name().length()).max().orElse(5));
        String format = "%-" + nameWidth + "s  %-9s  %-6s  %-10s  %10s  %9s  %8s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, format, "model", "role", "family", "learns", "params", "test acc", "test loss"));
        for (ModelSummary m : report.models()) {
            sb.append(String.format(Locale.ROOT, format, m.name(), m.role(), m.family(), m.learnsFrom(),
                    String.format(Locale.ROOT, "%,d", m.params()), String.format(Locale.ROOT, "%.2f%%", 100 * m.testAccuracy()),
                    String.format(Locale.ROOT, "%.4f", m.testLoss())));
        }
        return sb.toString();
    }
}
