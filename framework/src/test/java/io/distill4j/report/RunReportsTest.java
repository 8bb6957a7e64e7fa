package io.distill4j.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.run.RunDirectory;
import io.distill4j.runtime.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.distill4j.report.MetricsHistoryTest.START;
import static io.distill4j.report.MetricsHistoryTest.eval;
import static io.distill4j.report.MetricsHistoryTest.step;
import static io.distill4j.report.MetricsHistoryTest.undecodable;
import static io.distill4j.report.MetricsHistoryTest.writeLines;
import static io.distill4j.report.ReportSchemaTest.PINNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Building a report from a run folder's metrics, and writing the report files. */
class RunReportsTest {
    @TempDir
    Path tmp;

    @Test
    void aReportIsDrawnFromMetricsWithALineThatIsNotUtf8() throws IOException {
        Files.copy(PINNED.resolve("config.yaml"), tmp.resolve("config.yaml"));
        new ObjectMapper().writeValue(tmp.resolve("provenance.json").toFile(),
                new ObjectMapper().readTree(PINNED.resolve("report.json").toFile()).get("provenance"));
        writeLines(tmp.resolve("metrics.jsonl"), START, step(4), eval(4, 0.5), undecodable(6), step(8), eval(8, 0.75));
        RunReport r = RunReports.fromMetrics(tmp);
        assertThat(r.status()).isEqualTo(RunReport.IN_PROGRESS);
        assertThat(r.steps()).isEqualTo(8);
        assertThat(r.models()).extracting(ModelSummary::name).containsExactly("t", "s");
        assertThat(r.models().get(0).validation().accuracy()).isEqualTo(0.75);
        assertThat(r.curves().get(1).steps()).containsExactly(4L, 8L);
    }

    @Test
    void writingAReportIntoAReadOnlyFolderIsAStorageErrorAndLeavesNoTemporaryFile() throws Exception {
        RunReport report = RunReports.read(PINNED);
        Path run = Files.createDirectories(tmp.resolve("run"));
        try (ReadOnlyFolder locked = ReadOnlyFolder.lock(run)) {
            assertThatThrownBy(() -> RunReports.write(RunDirectory.open(run), report)).isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("cannot write " + run.toAbsolutePath().resolve("report.json") + ": ");
        }
        try (Stream<Path> files = Files.list(run)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void writingAReportGivesAllThreeFilesAndNoTemporaryFile() throws IOException {
        RunReports.write(RunDirectory.open(tmp), RunReports.read(PINNED));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).isEqualTo(List.of("report.html", "report.json", "report.md"));
        }
    }

    @Test
    void aReportWithANonFiniteFigureIsNotWrittenSinceItCouldNotBeReadBack() throws IOException {
        // round 3, D3: the writer wrote "loss": "NaN" and read() refused it; what write() writes, read() must accept
        RunReport pinned = RunReports.read(PINNED);
        ModelSummary m = pinned.models().get(0);
        ModelEvaluation t = m.test();
        ModelSummary nan = new ModelSummary(m.name(), m.role(), m.family(), m.params(), m.learnsFrom(), m.exportBytes(),
                m.compressionParams(), m.compressionBytes(), new ModelEvaluation(t.accuracy(), Double.NaN, t.examples(), t.macroF1(),
                t.agreement(), t.perClassAccuracy(), t.confusion()), m.validation(), m.twinOf(), m.inference());
        List<ModelSummary> models = new java.util.ArrayList<>(pinned.models());
        models.set(0, nan);
        RunReport broken = new RunReport(pinned.schemaVersion(), pinned.run(), pinned.dataset(), pinned.classes(), pinned.status(), pinned.steps(),
                pinned.totalSteps(), pinned.trainingSeconds(), models, pinned.gains(), pinned.curves(), pinned.provenance());
        assertThatThrownBy(() -> RunReports.write(RunDirectory.open(tmp), broken)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("models[0].test.loss is not a finite number");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.toList()).isEmpty();
        }
        RunReports.write(RunDirectory.open(tmp), pinned);
        Files.copy(PINNED.resolve("config.yaml"), tmp.resolve("config.yaml"));
        assertThat(RunReports.read(tmp).models().get(0).test().loss()).isEqualTo(t.loss());
    }

    @Test
    void anOversizedReportIsRefusedInOneLineBeforeItIsRead() throws IOException {
        Path run = tmp.resolve("huge");
        Files.createDirectories(run);
        Files.writeString(run.resolve("config.yaml"), "name: x\n");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(run.resolve("report.json").toFile(), "rw")) {
            f.setLength(RunReports.MAX_REPORT_BYTES + 1);   // sparse: the size alone must refuse it
        }
        assertThatThrownBy(() -> RunReports.read(run)).isInstanceOf(ReportException.class)
                .hasMessage(run.resolve("report.json") + " is not a run report: " + (RunReports.MAX_REPORT_BYTES + 1)
                        + " bytes, more than the " + RunReports.MAX_REPORT_BYTES + " a report.json can hold");
    }
}
