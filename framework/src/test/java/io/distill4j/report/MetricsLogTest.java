package io.distill4j.report;

import io.distill4j.runtime.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.distill4j.report.MetricsHistoryTest.START;
import static io.distill4j.report.MetricsHistoryTest.eval;
import static io.distill4j.report.MetricsHistoryTest.step;
import static io.distill4j.report.MetricsHistoryTest.undecodable;
import static io.distill4j.report.MetricsHistoryTest.writeLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resume cuts metrics.jsonl back to its checkpoint's step: whatever the file holds, and whole or not at all. */
class MetricsLogTest {
    @TempDir
    Path tmp;

    @Test
    void truncationSkipsALineThatIsNotUtf8AndKeepsTheRestUpToTheStep() throws IOException {
        Path file = tmp.resolve("metrics.jsonl");
        writeLines(file, START, step(4), undecodable(5), eval(4, 0.5), step(6), eval(6, 0.6), step(8), eval(8, 0.75));
        List<EvaluationRecord> kept = MetricsLog.truncateAfter(file, 6);
        assertThat(kept).extracting(EvaluationRecord::step).containsExactly(4L, 6L);
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).containsExactly(START, step(4), eval(4, 0.5), step(6), eval(6, 0.6));
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void truncationInAReadOnlyFolderIsAStorageErrorAndLeavesTheFileAndNoTemporaryFile() throws Exception {
        Path file = tmp.resolve("metrics.jsonl");
        writeLines(file, START, step(4), eval(4, 0.5), step(8));
        byte[] before = Files.readAllBytes(file);
        try (ReadOnlyFolder locked = ReadOnlyFolder.lock(tmp)) {
            assertThatThrownBy(() -> MetricsLog.truncateAfter(file, 4)).isInstanceOf(StorageException.class)
                    .hasMessageContaining(tmp.toAbsolutePath().toString());
            assertThatThrownBy(() -> new MetricsLog(tmp.resolve("other.jsonl"), 1)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("other.jsonl");
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(leftovers()).isEmpty();
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
