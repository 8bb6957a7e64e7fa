package io.distill4j.study;

import io.distill4j.report.Escaping;
import io.distill4j.report.ReportException;
import io.distill4j.report.RunComparison;
import io.distill4j.report.RunReport;
import io.distill4j.report.RunReports;
import io.distill4j.study.StudyReport.GainStats;
import io.distill4j.study.StudyReport.ModelStats;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Students of several studies side by side: mean test accuracy ± sd, mean gain over the twin with its 95% CI and wins
 * per study, and the delta of mean accuracy against the first study. A plain run counts as a study of one seed. What
 * differs is taken from the first finished seed of each, ignoring {@code training.seed} (seeds differ by design).
 */
public record StudyComparison(List<String> studies, List<String> datasets, boolean datasetsDiffer, List<Row> rows,
                              List<RunComparison.Difference> differences) {
    /** One student across studies: its figures per study (null where a study has no such student) and deltas vs the first. */
    public record Row(String student, List<Cell> perStudy, List<Double> deltaVsFirstPp) {
    }

    /** A student's figures in one study; gain fields are null when the student has no twin there. */
    public record Cell(int n, Double accuracyMean, Double accuracySd, Double gainMeanPp, Double gainCiLowPp, Double gainCiHighPp,
                       Integer wins, Integer gainSeeds, Double validationGainMeanPp) {
    }

    private record Input(String name, StudyReport report, Path firstRun) {
    }

    public static StudyComparison of(List<Path> dirs) {
        return of(dirs, folder -> StudyReports.SeedCheck.NONE, warning -> { });
    }

    /**
     * As {@link #of(List)}, leaving out of each study the seeds its {@code checks} refuse (as its aggregate does), each
     * reported to {@code warnings} in one line.
     */
    public static StudyComparison of(List<Path> dirs, java.util.function.Function<StudyFolder, StudyReports.SeedCheck> checks,
                                     java.util.function.Consumer<String> warnings) {
        List<Input> inputs = dirs.stream().map(dir -> input(dir, checks, warnings)).toList();
        List<String> datasets = inputs.stream().map(i -> i.report().dataset()).toList();
        boolean differ = new TreeSet<>(datasets.stream().map(String::valueOf).toList()).size() > 1;
        LinkedHashSet<String> students = new LinkedHashSet<>();
        for (Input i : inputs) i.report().models().stream().filter(m -> m.role().equals("student")).forEach(m -> students.add(m.name()));
        List<Row> rows = new ArrayList<>();
        for (String s : students) {
            List<Cell> cells = inputs.stream().map(i -> cell(i.report(), s)).toList();
            Double base = cells.get(0) == null ? null : cells.get(0).accuracyMean();
            List<Double> delta = cells.stream().map(c -> differ || c == null || base == null || c.accuracyMean() == null
                    ? null : 100 * (c.accuracyMean() - base)).toList();
            rows.add(new Row(s, cells, delta));
        }
        List<RunComparison.Difference> differences = RunComparison.of(inputs.stream().map(Input::firstRun).toList()).differences()
                .stream().filter(d -> !d.key().equals("seed") && !d.key().equals("config training.seed")).toList();
        return new StudyComparison(inputs.stream().map(Input::name).toList(), datasets, differ, rows, differences);
    }

    private static Input input(Path dir, java.util.function.Function<StudyFolder, StudyReports.SeedCheck> checks,
                               java.util.function.Consumer<String> warnings) {
        String name = dir.getFileName().toString();
        if (StudyFolder.isStudy(dir)) {
            StudyFolder folder = new StudyFolder(dir);
            StudyDefinition d = folder.definition();
            List<StudyReport.Excluded> excluded = new ArrayList<>();
            Map<Long, RunReport> done = StudyReports.completed(folder, d.seeds(), checks.apply(folder), excluded);
            excluded.forEach(e -> warnings.accept(dir + ": seed " + e.seed() + " is left out: " + e.reason()));
            if (done.isEmpty()) throw new ReportException(dir + " is a study without a finished seed; finish it with: distill4j resume " + dir);
            return new Input(name, StudyReports.aggregate(d.name(), d.seeds(), done, excluded), folder.seedDir(done.keySet().iterator().next()));
        }
        RunReport r = RunReports.read(dir);
        long seed = r.provenance().seed();
        return new Input(name, StudyReports.aggregate(r.run(), List.of(seed), Map.of(seed, r)), dir);
    }

    private static Cell cell(StudyReport r, String student) {
        ModelStats m = r.models().stream().filter(x -> x.name().equals(student) && x.role().equals("student")).findFirst().orElse(null);
        if (m == null) return null;
        GainStats g = r.gains().stream().filter(x -> x.student().equals(student)).findFirst().orElse(null);
        return new Cell(m.accuracy().n(), m.accuracy().mean(), m.accuracy().sd(), g == null ? null : g.gainPp().mean(),
                g == null ? null : g.gainPp().ciLow(), g == null ? null : g.gainPp().ciHigh(), g == null ? null : g.wins(),
                g == null ? null : g.gainPp().n(), g == null ? null : g.validationGainPp().mean());
    }

    // ---- renderings -------------------------------------------------------------------------------------

    public String render(String format) {
        return switch (format) {
            case "table" -> warning("", "\n\n") + Tables.text(header(), cells()) + "\nwhat differs between the studies (first seed of each, training.seed aside):\n"
                    + differencesText("  ");
            case "md" -> "# Study comparison\n\n" + warning("> **", "**\n\n") + Tables.markdown(header(), cells())
                    + "\n## What differs between the studies\n\n(first seed of each, training.seed aside)\n\n"
                    + differencesText("- ").lines().map(l -> Escaping.markdown(l) + "\n").collect(Collectors.joining());
            case "csv" -> Tables.csv(header(), cells());
            case "json" -> json();
            case "html" -> html();
            default -> throw new IllegalArgumentException("unknown format " + format);
        };
    }

    private String warning(String before, String after) {
        return datasetsDiffer ? before + "WARNING: the studies are on different datasets " + datasets
                + "; accuracies are not comparable, no deltas shown" + after : "";
    }

    private List<String> header() {
        List<String> h = new ArrayList<>(List.of("student"));
        for (int i = 0; i < studies.size(); i++) {
            String s = studies.get(i);
            h.addAll(List.of(s + " acc (mean ± sd)", s + " gain [95% CI]", s + " wins"));
            if (i > 0) h.add("delta vs " + studies.get(0));
        }
        return h;
    }

    private List<List<String>> cells() {
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows) {
            List<String> c = new ArrayList<>(List.of(r.student()));
            for (int i = 0; i < studies.size(); i++) {
                Cell x = r.perStudy().get(i);
                c.add(x == null ? "-" : StudyRenderer.pct(x.accuracyMean()) + " ± " + (x.accuracySd() == null ? "-" : StudyRenderer.plain(100 * x.accuracySd())));
                c.add(x == null || x.gainMeanPp() == null ? "-" : StudyRenderer.pp(x.gainMeanPp()) + " "
                        + (x.gainCiLowPp() == null ? "[-]" : String.format(Locale.ROOT, "[%+.2f, %+.2f]", x.gainCiLowPp(), x.gainCiHighPp())));
                c.add(x == null || x.wins() == null ? "-" : x.wins() + "/" + x.gainSeeds());
                if (i > 0) {
                    Double d = r.deltaVsFirstPp().get(i);
                    c.add(d == null ? "n/a" : String.format(Locale.ROOT, "%+.2f pp", d));
                }
            }
            out.add(c);
        }
        return out;
    }

    private String differencesText(String bullet) {
        if (differences.isEmpty()) return bullet + "no differences in config, versions or data\n";
        StringBuilder sb = new StringBuilder();
        for (RunComparison.Difference d : differences) sb.append(bullet).append(d.key()).append(": ").append(String.join(" | ", d.values())).append('\n');
        return sb.toString();
    }

    private String json() {
        return RunComparison.toJson(this);
    }

    private String html() {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Distill4J study comparison</title>"
                + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}"
                + ".warn{color:#a00;font-weight:bold}</style></head><body><h1>Study comparison</h1>\n");
        if (datasetsDiffer) sb.append("<p class=\"warn\">").append(Tables.esc(warning("", ""))).append("</p>\n");
        sb.append(Tables.html(header(), cells()));
        sb.append("<h2>What differs between the studies</h2>\n<p>First seed of each, training.seed aside.</p>\n<ul>\n");
        for (String line : differencesText("").split("\n")) sb.append("<li>").append(Tables.esc(line)).append("</li>\n");
        return sb.append("</ul></body></html>\n").toString();
    }

    /** True if any of the folders is a study: then compare takes them all as studies (a run as a study of one seed). */
    public static boolean anyStudy(List<Path> dirs) {
        return dirs.stream().anyMatch(StudyFolder::isStudy);
    }
}
