package io.distill4j.study;

import io.distill4j.report.ModelSummary;
import io.distill4j.report.ReportException;
import io.distill4j.report.RunReport;
import io.distill4j.report.RunReports;
import io.distill4j.report.StudentGain;
import io.distill4j.study.StudyReport.GainStats;
import io.distill4j.study.StudyReport.ModelStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Builds a study's aggregate from its seeds' run reports, and writes it. */
public final class StudyReports {
    private StudyReports() {
    }

    /**
     * Decides whether a finished seed belongs in the aggregate: null if it does, else the reason (one line) it is left
     * out. The CLI compares each seed's config with the study's ({@code SeedConformity}); the library knows no configs.
     */
    @FunctionalInterface
    public interface SeedCheck {
        SeedCheck NONE = (seed, dir, report) -> null;

        String problem(long seed, Path seedDir, RunReport report);
    }

    /** The finished reports of a study's seeds, in the study's seed order; seeds without a readable report.json are left out. */
    public static Map<Long, RunReport> completed(StudyFolder folder, List<Long> seeds) {
        return completed(folder, seeds, SeedCheck.NONE, new ArrayList<>());
    }

    /**
     * As {@link #completed(StudyFolder, List)}; a seed whose report.json exists but cannot be read, or that {@code check}
     * refuses, is added to {@code excluded} with its reason instead.
     */
    public static Map<Long, RunReport> completed(StudyFolder folder, List<Long> seeds, SeedCheck check, List<StudyReport.Excluded> excluded) {
        Map<Long, RunReport> out = new LinkedHashMap<>();
        for (long seed : seeds) {
            Path dir = folder.seedDir(seed);
            if (!Files.isRegularFile(dir.resolve("report.json"))) continue;
            RunReport report;
            try {
                report = RunReports.read(dir);
            } catch (ReportException e) {
                excluded.add(new StudyReport.Excluded(seed, e.getMessage()));
                continue;
            }
            if (!RunReport.COMPLETE.equals(report.status())) continue;
            String problem = check.problem(seed, dir, report);
            if (problem != null) {
                excluded.add(new StudyReport.Excluded(seed, problem));
                continue;
            }
            out.put(seed, report);
        }
        return out;
    }

    /** Reads the definition and every finished seed of a study folder and aggregates them (no config check). */
    public static StudyReport fromFolder(StudyFolder folder) {
        return fromFolder(folder, SeedCheck.NONE);
    }

    /** As {@link #fromFolder(StudyFolder)}, leaving out (and listing) the seeds {@code check} refuses. */
    public static StudyReport fromFolder(StudyFolder folder, SeedCheck check) {
        StudyDefinition d = folder.definition();
        List<StudyReport.Excluded> excluded = new ArrayList<>();
        Map<Long, RunReport> done = completed(folder, d.seeds(), check, excluded);
        return aggregate(d.name(), d.seeds(), done, excluded);
    }

    /** Writes study-report.json and study-report.md into the study folder. */
    public static void write(StudyFolder folder, StudyReport report) {
        folder.writeJson(folder.reportJson(), report);
        folder.writeText(folder.reportMarkdown(), StudyRenderer.markdown(report));
    }

    public static StudyReport aggregate(String name, List<Long> seeds, Map<Long, RunReport> bySeed) {
        return aggregate(name, seeds, bySeed, List.of());
    }

    public static StudyReport aggregate(String name, List<Long> seeds, Map<Long, RunReport> bySeed, List<StudyReport.Excluded> excluded) {
        List<Long> done = new ArrayList<>(bySeed.keySet());
        List<Long> left = excluded.stream().map(StudyReport.Excluded::seed).toList();
        List<Long> missing = seeds.stream().filter(s -> !bySeed.containsKey(s) && !left.contains(s)).toList();
        String dataset = bySeed.values().stream().map(RunReport::dataset).filter(Objects::nonNull).findFirst().orElse(null);
        return new StudyReport(StudyReport.SCHEMA_VERSION, name, dataset, List.copyOf(seeds), done, missing,
                models(bySeed), gains(bySeed), excluded);
    }

    private static List<ModelStats> models(Map<Long, RunReport> bySeed) {
        Map<String, ModelSummary> first = new LinkedHashMap<>();
        for (RunReport r : bySeed.values()) for (ModelSummary m : r.models()) first.putIfAbsent(m.name(), m);
        List<ModelStats> out = new ArrayList<>();
        for (ModelSummary m : first.values()) {
            List<Long> seeds = new ArrayList<>();
            List<Double> acc = new ArrayList<>();
            bySeed.forEach((seed, r) -> r.models().stream().filter(x -> x.name().equals(m.name()) && x.test() != null).findFirst()
                    .ifPresent(x -> {
                        seeds.add(seed);
                        acc.add(x.test().accuracy());
                    }));
            out.add(new ModelStats(m.name(), m.role(), m.twinOf(), seeds, SeedStatistics.summarize(acc)));
        }
        return out;
    }

    private static List<GainStats> gains(Map<Long, RunReport> bySeed) {
        Map<String, String> twins = new LinkedHashMap<>();
        for (RunReport r : bySeed.values()) for (StudentGain g : r.gains()) twins.putIfAbsent(g.student(), g.twin());
        List<GainStats> out = new ArrayList<>();
        twins.forEach((student, twin) -> {
            List<Long> seeds = new ArrayList<>();
            List<Double> test = new ArrayList<>();
            List<Double> validation = new ArrayList<>();
            bySeed.forEach((seed, r) -> r.gains().stream().filter(g -> g.student().equals(student) && g.gainPp() != null).findFirst()
                    .ifPresent(g -> {
                        seeds.add(seed);
                        test.add(g.gainPp());
                        if (g.validationGainPp() != null) validation.add(g.validationGainPp());
                    }));
            int wins = (int) test.stream().filter(g -> g > 0).count();
            out.add(new GainStats(student, twin, seeds, SeedStatistics.summarize(test), wins, SeedStatistics.summarize(validation)));
        });
        return out;
    }
}
