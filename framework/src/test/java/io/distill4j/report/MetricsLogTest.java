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
    void resumingFromTheFinalCheckpointDropsTheFinalEvaluationThatWillBeMadeAgain() throws IOException {
        // a run stopped after its last step (D2) is resumed from its final checkpoint: the final evaluation is redone
        Path file = tmp.resolve("metrics.jsonl");
        writeLines(file, START, step(4), eval(4, 0.5), step(8), eval(8, 0.75));
        List<EvaluationRecord> kept = MetricsLog.truncateAfter(file, 8, true);
        assertThat(kept).extracting(EvaluationRecord::step).containsExactly(4L);
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).containsExactly(START, step(4), eval(4, 0.5), step(8));
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

    @Test
    void aStepLineWithTermsHasThemPerModelByLabelAndWithoutTermsNoTermsKey() throws IOException {
        Path file = tmp.resolve("metrics.jsonl");
        java.util.Map<String, Double> losses = new java.util.LinkedHashMap<>();
        losses.put("teacher", 0.5);
        losses.put("s1", 1.25);
        java.util.Map<String, Double> s1 = new java.util.LinkedHashMap<>();
        s1.put("labels", 0.75);
        s1.put("logits", 0.125);
        s1.put("attention", 0.0625);
        try (MetricsLog log = new MetricsLog(file, 1)) {
            log.step(1, 4, 0, false, true, losses, java.util.Map.of("s1", s1));
            log.step(2, 4, 0, true, false, losses);
            log.step(3, 4, 0, true, false, losses, java.util.Map.of());
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode with = json.readTree(lines.get(0));
        assertThat(with.get("terms").size()).isEqualTo(1);
        assertThat(with.get("terms").get("s1").toString()).isEqualTo("{\"labels\":0.75,\"logits\":0.125,\"attention\":0.0625}");
        assertThat(with.get("loss").get("s1").asDouble()).isEqualTo(1.25);
        // without terms: the line of before terms existed, byte for byte
        String old = "{\"type\":\"step\",\"step\":2,\"epoch\":0,\"burnIn\":true,\"published\":false,"
                + "\"loss\":{\"teacher\":0.5,\"s1\":1.25}}";
        assertThat(lines.get(1)).isEqualTo(old);
        assertThat(lines.get(2)).isEqualTo(old.replace("\"step\":2", "\"step\":3"));
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
