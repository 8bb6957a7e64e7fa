package io.distill4j.study;

import io.distill4j.report.Escaping;
import io.distill4j.study.SeedStatistics.Summary;
import io.distill4j.study.StudyReport.GainStats;
import io.distill4j.study.StudyReport.ModelStats;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A study's aggregate as a console table and as Markdown: the same two tables, models then gains over twins. */
public final class StudyRenderer {
    private StudyRenderer() {
    }

    public static String table(StudyReport r) {
        StringBuilder sb = new StringBuilder(title(r)).append('\n');
        sb.append(Tables.text(modelHeader(), modelCells(r)));
        if (!r.gains().isEmpty()) {
            sb.append("\nwhat distillation bought over the seeds (student − scratch twin, pp; 95% CI from Student t, n−1 df)\n");
            sb.append(Tables.text(gainHeader(), gainCells(r)));
        }
        return sb.toString();
    }

    public static String markdown(StudyReport r) {
        StringBuilder sb = new StringBuilder("# ").append(Escaping.markdown(r.study())).append(" — study over seeds\n\n")
                .append(Escaping.markdown(title(r))).append("\n\n");
        sb.append("## Test accuracy per model\n\n").append(Tables.markdown(modelHeader(), modelCells(r)));
        if (!r.gains().isEmpty()) {
            sb.append("\n## Gain over the scratch twin (percentage points)\n\n")
                    .append("Paired per seed: student − twin with the same initial weights and batches, trained on labels alone. "
                            + "95% CI: mean ± t(0.975, n−1)·sd/√n; wins: seeds with a positive test gain.\n\n")
                    .append(Tables.markdown(gainHeader(), gainCells(r)));
        }
        return sb.toString();
    }

    static String title(StudyReport r) {
        // no finished seed, no dataset known from a report: say so rather than "on null"
        String s = String.format(Locale.ROOT, "%s%s: %d of %d seeds complete %s", r.study(), r.dataset() == null ? "" : " on " + r.dataset(),
                r.completedSeeds().size(), r.seeds().size(), r.completedSeeds());
        if (!r.missingSeeds().isEmpty()) s += "; no report for seed(s) " + r.missingSeeds();
        for (StudyReport.Excluded e : r.excludedSeeds()) s += "\nleft out: seed " + e.seed() + ": " + e.reason();
        return s;
    }

    private static List<String> modelHeader() {
        return List.of("model", "role", "n", "test acc mean", "sd");
    }

    private static List<List<String>> modelCells(StudyReport r) {
        List<List<String>> out = new ArrayList<>();
        for (ModelStats m : r.models()) {
            Summary a = m.accuracy();
            out.add(List.of(m.name(), m.role(), String.valueOf(a.n()), pct(a.mean()), a.sd() == null ? "-" : plain(100 * a.sd()) + " pp"));
        }
        return out;
    }

    private static List<String> gainHeader() {
        return List.of("student", "twin", "n", "gain mean", "sd", "95% CI", "wins", "val gain mean", "val 95% CI", "gain per seed");
    }

    private static List<List<String>> gainCells(StudyReport r) {
        List<List<String>> out = new ArrayList<>();
        for (GainStats g : r.gains()) {
            Summary t = g.gainPp();
            Summary v = g.validationGainPp();
            out.add(List.of(g.student(), g.twin(), String.valueOf(t.n()), pp(t.mean()), plain(t.sd()), ci(t),
                    g.wins() + "/" + t.n(), pp(v.mean()), ci(v),
                    t.values().stream().map(StudyRenderer::num).collect(Collectors.joining(" "))));
        }
        return out;
    }

    static String pct(Double fraction) {
        return fraction == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    static String pp(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%+.2f pp", v);
    }

    /** A signed value with two decimals (gains). */
    static String num(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%+.2f", v);
    }

    /** An unsigned value with two decimals (standard deviations). */
    static String plain(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** "[low, high]" in pp, or "-" when there is no interval (fewer than two seeds). */
    static String ci(Summary s) {
        return s.ciLow() == null ? "-" : String.format(Locale.ROOT, "[%+.2f, %+.2f]", s.ciLow(), s.ciHigh());
    }
}
