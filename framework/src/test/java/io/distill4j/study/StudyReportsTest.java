package io.distill4j.study;

import io.distill4j.report.ModelEvaluation;
import io.distill4j.report.ModelSummary;
import io.distill4j.report.ReportException;
import io.distill4j.report.RunReport;
import io.distill4j.report.StudentGain;
import io.distill4j.study.StudyReport.GainStats;
import io.distill4j.study.StudyReport.ModelStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The aggregate over seeds from hand-made run reports, its renderings, and study.json errors. */
class StudyReportsTest {
    @TempDir
    Path tmp;

    /** A run with a student s and its twin s-scratch at the given test (and validation) accuracies. */
    static RunReport run(double student, double twin, Double vStudent, Double vTwin) {
        List<ModelSummary> models = List.of(
                model("teacher", "teacher", null, 0.98, null),
                model("s", "student", null, student, vStudent),
                model("s-scratch", "twin", "s", twin, vTwin));
        return new RunReport(RunReport.SCHEMA_VERSION, "study-x", "mnist", null, RunReport.COMPLETE, 8, 8, 1.0, models,
                StudentGain.of(models), List.of(), null);
    }

    static ModelSummary model(String name, String role, String twinOf, double acc, Double vAcc) {
        return new ModelSummary(name, role, "mlp", 100, "labels", null, null, null, eval(acc),
                vAcc == null ? null : eval(vAcc), twinOf, null);
    }

    static ModelEvaluation eval(double acc) {
        return new ModelEvaluation(acc, 0.1, 100, acc, null, new double[0], new long[0][]);
    }

    @Test
    void gainsArePairedPerSeedWithMeanSdTIntervalAndWins() {
        Map<Long, RunReport> bySeed = new LinkedHashMap<>();
        bySeed.put(1L, run(0.905, 0.900, 0.91, 0.90));   // +0.5 pp, validation +1
        bySeed.put(2L, run(0.903, 0.900, 0.90, 0.90));   // +0.3 pp, validation 0
        bySeed.put(3L, run(0.907, 0.900, 0.92, 0.90));   // +0.7 pp, validation +2
        StudyReport r = StudyReports.aggregate("study-x", List.of(1L, 2L, 3L, 4L), bySeed);

        assertThat(r.completedSeeds()).containsExactly(1L, 2L, 3L);
        assertThat(r.missingSeeds()).containsExactly(4L);
        assertThat(r.models()).extracting(ModelStats::name).containsExactly("teacher", "s", "s-scratch");
        ModelStats s = r.models().get(1);
        assertThat(s.accuracy().n()).isEqualTo(3);
        assertThat(s.accuracy().mean()).isCloseTo(0.905, within(1e-12));
        assertThat(s.accuracy().sd()).isCloseTo(0.002, within(1e-12));

        GainStats g = r.gains().get(0);
        assertThat(g.student()).isEqualTo("s");
        assertThat(g.twin()).isEqualTo("s-scratch");
        assertThat(g.seeds()).containsExactly(1L, 2L, 3L);
        assertThat(g.gainPp().values()).usingElementComparator(new org.assertj.core.util.DoubleComparator(1e-9)).containsExactly(0.5, 0.3, 0.7);
        assertThat(g.gainPp().mean()).isCloseTo(0.5, within(1e-9));
        assertThat(g.gainPp().sd()).isCloseTo(0.2, within(1e-9));
        assertThat(g.gainPp().halfWidth()).isCloseTo(0.496828, within(1e-5));
        assertThat(g.wins()).isEqualTo(3);
        assertThat(g.validationGainPp().mean()).isCloseTo(1.0, within(1e-9));
        assertThat(g.validationGainPp().sd()).isCloseTo(1.0, within(1e-9));

        String table = StudyRenderer.table(r);
        assertThat(table).contains("3 of 4 seeds complete [1, 2, 3]; no report for seed(s) [4]")
                .contains("+0.50 pp").contains("[+0.00, +1.00]").contains("3/3").contains("+0.50 +0.30 +0.70");
        assertThat(StudyRenderer.markdown(r)).contains("| s | s-scratch | 3 | +0.50 pp | 0.20 | [+0.00, +1.00] | 3/3 |");
    }

    @Test
    void oneSeedHasNoSdNorInterval() {
        StudyReport r = StudyReports.aggregate("x", List.of(7L), Map.of(7L, run(0.89, 0.90, null, null)));
        GainStats g = r.gains().get(0);
        assertThat(g.gainPp().mean()).isCloseTo(-1.0, within(1e-9));
        assertThat(g.gainPp().sd()).isNull();
        assertThat(g.gainPp().ciLow()).isNull();
        assertThat(g.wins()).isZero();
        assertThat(g.validationGainPp().n()).isZero();
        assertThat(StudyRenderer.table(r)).contains("-1.00 pp").contains("0/1");
    }

    @Test
    void missingOrCorruptStudyJsonIsAReportError() throws IOException {
        Files.createDirectories(tmp.resolve("seed-1"));
        assertThat(StudyFolder.isStudy(tmp)).isTrue();
        assertThatThrownBy(() -> new StudyFolder(tmp).definition()).isInstanceOf(ReportException.class)
                .hasMessageContaining("is not a study folder (no study.json");
        Files.writeString(tmp.resolve("study.json"), "{\"schemaVersion\": 1, \"seeds\": [1, 2");
        assertThatThrownBy(() -> new StudyFolder(tmp).definition()).isInstanceOf(ReportException.class)
                .hasMessageContaining("study.json is not a readable study definition");
        Files.writeString(tmp.resolve("study.json"), "{\"schemaVersion\": 1, \"seeds\": []}");
        assertThatThrownBy(() -> new StudyFolder(tmp).definition()).isInstanceOf(ReportException.class)
                .hasMessageContaining("study.json: seeds: expected a non-empty list of seeds, got []");
        Files.writeString(tmp.resolve("config.yaml"), "name: a run");
        Files.delete(tmp.resolve("study.json"));
        assertThat(StudyFolder.isStudy(tmp)).as("a run folder is never a study").isFalse();
    }

    /** A study.json as train --seeds writes it, with {@code seeds} (JSON) and {@code overrides} (JSON) as given. */
    private void definition(String seeds, String overrides) throws IOException {
        Files.writeString(tmp.resolve("study.json"), "{\"schemaVersion\": 1, \"name\": \"x\", \"config\": \"c.yaml\", \"overrides\": "
                + overrides + ", \"seeds\": " + seeds + ", \"created\": \"now\", \"commandLine\": [\"distill4j\"]}");
    }

    private void refused(String message) {
        assertThatThrownBy(() -> new StudyFolder(tmp).definition()).isInstanceOf(ReportException.class)
                .hasMessage(tmp.resolve("study.json") + ": " + message);
    }

    @Test
    void studyJsonSeedsAreCheckedLikeTheSeedsOption() throws IOException {
        definition("[-1]", "[]");
        refused("seeds[0]: expected a non-negative integer, got -1");
        definition("[1, 1]", "[]");
        refused("seeds[1]: seed 1 is listed twice");
        definition("[1.5]", "[]");
        refused("seeds[0]: expected a non-negative integer, got 1.5");
        definition("[\"2\"]", "[]");
        refused("seeds[0]: expected a non-negative integer, got \"2\"");
        definition("[99999999999999999999]", "[]");
        refused("seeds[0]: expected a non-negative integer, got 99999999999999999999");
        definition(java.util.stream.LongStream.rangeClosed(1, 1001).boxed().toList().toString(), "[]");
        refused("seeds: at most 1000 seeds, got 1001");
        definition("[3, 1]", "[\"training.epochs=2\"]");
        assertThat(new StudyFolder(tmp).definition().seeds()).containsExactly(3L, 1L);
    }

    @Test
    void studyJsonFieldsOfTheWrongTypeAreOneLineReportErrors() throws IOException {
        definition("[1]", "[{\"a\": 1}]");
        refused("overrides[0]: expected a string, got {\"a\":1}");
        definition("[1]", "\"training.epochs=2\"");
        refused("overrides: expected a list of at most 10000 strings, got \"training.epochs=2\"");
        Files.writeString(tmp.resolve("study.json"), "{\"schemaVersion\": 1, \"name\": \"x\", \"config\": 7, \"seeds\": [1]}");
        refused("config: expected a non-empty string, got 7");
        Files.writeString(tmp.resolve("study.json"), "[1, 2]");
        refused("expected a JSON object, got [1,2]");
        Files.writeString(tmp.resolve("study.json"), "{\"schemaVersion\": 1, \"pad\": \"" + "x".repeat(1 << 20) + "\"}");
        assertThatThrownBy(() -> new StudyFolder(tmp).definition()).isInstanceOf(ReportException.class)
                .hasMessageContaining("more than the 1048576 a study.json can hold");
    }

    @Test
    void anAggregateWithNoFinishedSeedDoesNotSayOnNull() {
        StudyReport r = StudyReports.aggregate("study-x", List.of(1L, 2L), Map.of());
        assertThat(StudyRenderer.table(r)).startsWith("study-x: 0 of 2 seeds complete []; no report for seed(s) [1, 2]")
                .doesNotContain("null");
    }

    @Test
    void aSeedWithAnUnreadableReportIsLeftOutWithItsReasonNotMissingAndNotAFailure() throws IOException {
        definition("[1, 2]", "[]");
        StudyFolder folder = new StudyFolder(tmp);
        Files.createDirectories(folder.seedDir(1));
        Files.writeString(folder.seedDir(1).resolve("config.yaml"), "name: x\n");
        Files.writeString(folder.seedDir(1).resolve("report.json"), "{");
        StudyReport r = StudyReports.fromFolder(folder, (seed, dir, report) -> null);
        assertThat(r.completedSeeds()).isEmpty();
        assertThat(r.missingSeeds()).as("seed 2 never ran; seed 1 has a report, left out").containsExactly(2L);
        assertThat(r.excludedSeeds()).extracting(StudyReport.Excluded::seed).containsExactly(1L);
        assertThat(r.excludedSeeds().get(0).reason()).contains("report.json is not readable JSON");
        assertThat(StudyRenderer.table(r)).contains("0 of 2 seeds complete []").contains("left out: seed 1: ");
    }

    @Test
    void markdownKeepsNamesWithPipesNewlinesAndMarkupAsText() {
        List<ModelSummary> models = List.of(model("s|<b>\nx", "student", null, 0.9, null), model("twin", "twin", "s|<b>\nx", 0.8, null));
        RunReport run = new RunReport(RunReport.SCHEMA_VERSION, "r", "mnist", null, RunReport.COMPLETE, 8, 8, 1.0, models,
                StudentGain.of(models), List.of(), null);
        String md = StudyRenderer.markdown(StudyReports.aggregate("study\n# <i>", List.of(1L), Map.of(1L, run)));
        assertThat(md).startsWith("# study # &lt;i> — study over seeds\n").doesNotContain("<b>").doesNotContain("\nx |");
        assertThat(md.lines().filter(l -> l.startsWith("| s\\|"))).hasSize(2)   // the accuracy row and the gain row
                .allMatch(l -> l.startsWith("| s\\|&lt;b> x | "));
    }
}
