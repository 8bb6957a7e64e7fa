package io.distill4j.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** metrics.jsonl as read back by report and resume: a line that cannot be read is skipped and counted, never fatal. */
class MetricsHistoryTest {
    static final String START = "{\"type\":\"start\",\"step\":0,\"totalSteps\":8,\"models\":[{\"name\":\"t\",\"role\":\"teacher\","
            + "\"family\":\"mlp\",\"params\":100,\"learnsFrom\":\"labels\"},{\"name\":\"s\",\"role\":\"student\",\"family\":\"mlp\","
            + "\"params\":10,\"learnsFrom\":\"t\"}]}";

    static String step(long step) {
        return "{\"type\":\"step\",\"step\":" + step + ",\"epoch\":0,\"burnIn\":false,\"published\":true,\"loss\":{\"t\":1.5,\"s\":2.5}}";
    }

    static String eval(long step, double accuracy) {
        return "{\"type\":\"eval\",\"split\":\"validation\",\"step\":" + step + ",\"models\":{\"t\":{\"accuracy\":" + accuracy
                + ",\"loss\":0.5,\"examples\":64,\"macroF1\":0.8},\"s\":{\"accuracy\":" + accuracy / 2 + ",\"loss\":0.9,\"examples\":64,"
                + "\"macroF1\":0.4,\"agreement\":0.5}}}";
    }

    /** A step line with one byte that is not UTF-8 (0xFF never occurs in UTF-8) inside a model name. */
    static byte[] undecodable(long step) {
        byte[] line = step(step).replace("\"s\":", "\"s?\":").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < line.length; i++) if (line[i] == '?') line[i] = (byte) 0xFF;
        return line;
    }

    /** Writes the lines (Strings as UTF-8, byte arrays as they are), each ended by a newline. */
    static void writeLines(Path file, Object... lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object l : lines) {
            out.write(l instanceof byte[] b ? b : ((String) l).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        Files.write(file, out.toByteArray());
    }

    @TempDir
    Path tmp;

    @Test
    void aLineThatIsNotUtf8IsSkippedAndCounted() throws IOException {
        Path file = tmp.resolve("metrics.jsonl");
        writeLines(file, START, step(4), eval(4, 0.5), undecodable(6), step(8), eval(8, 0.75));
        MetricsHistory h = MetricsHistory.read(file, Long.MAX_VALUE);
        assertThat(h.skippedLines()).isEqualTo(1);
        assertThat(h.models()).extracting(MetricsHistory.ModelInfo::name).containsExactly("t", "s");
        assertThat(h.totalSteps()).isEqualTo(8);
        assertThat(h.evaluations()).extracting(EvaluationRecord::step).containsExactly(4L, 8L);
        assertThat(h.evaluations().get(1).models().get("t").accuracy()).isEqualTo(0.75);
        assertThat(h.evaluations().get(1).models().get("s").agreement()).isEqualTo(0.5);
        assertThat(h.lines()).containsExactly(START, step(4), eval(4, 0.5), step(8), eval(8, 0.75));
    }

    @Test
    void brokenJsonAndLinesMissingTheirFiguresAreSkippedAndCountedToo() throws IOException {
        Path file = tmp.resolve("metrics.jsonl");
        String evalWithoutAccuracy = eval(6, 0.5).replace("\"accuracy\":0.5,", "");
        writeLines(file, START, step(4), "{\"type\":\"step\",\"st", "[1, 2]", evalWithoutAccuracy, "",
                "{\"type\":\"eval\",\"step\":7}", eval(8, 0.75), step(8).substring(0, 20));
        MetricsHistory h = MetricsHistory.read(file, Long.MAX_VALUE);
        assertThat(h.skippedLines()).isEqualTo(5);   // the blank line is not a record, so not counted
        assertThat(h.evaluations()).extracting(EvaluationRecord::step).containsExactly(8L);
        assertThat(h.lines()).containsExactly(START, step(4), eval(8, 0.75));
    }

    @Test
    void aMultiByteCharacterCutByAKillAtTheEndIsSkipped() throws IOException {
        Path file = tmp.resolve("metrics.jsonl");
        byte[] cut = "{\"type\":\"step\",\"step\":8,\"note\":\"é".getBytes(StandardCharsets.UTF_8);
        writeLines(file, START, eval(4, 0.5));
        Files.write(file, java.util.Arrays.copyOf(cut, cut.length - 1), java.nio.file.StandardOpenOption.APPEND);
        MetricsHistory h = MetricsHistory.read(file, Long.MAX_VALUE);
        assertThat(h.skippedLines()).isEqualTo(1);
        assertThat(h.lines()).containsExactly(START, eval(4, 0.5));
        assertThat(h.lastStep()).isEqualTo(4);
    }
}
