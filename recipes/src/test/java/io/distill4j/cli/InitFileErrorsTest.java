package io.distill4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round 3, D7 and D15: an {@code init:} file that exists but is no usable model is exit 4 in one line naming the key, the
 * file and (where there is one) the entry; a zip bomb is refused, not "out of memory ... make training.batchSize smaller"
 * (exit 3); a truncated file never says "null". A file that does not exist is an invalid config (exit 3, CliErrorsTest),
 * and {@code --help} says both.
 */
class InitFileErrorsTest {
    @TempDir
    Path tmp;

    private CliRun train(Path init) {
        return CliRun.of("train", "--config", CliErrorsTest.SMOKE, "--set", "models.students[2].init=" + init,
                "--run-dir", tmp.resolve("run").toString(), "-q");
    }

    private String prefix(Path init) {
        return "distill4j: models.students[2].init: " + init + ": cannot start 'student-32' from it: ";
    }

    @Test
    void aFileThatIsNoZipIsExit4InOneLine() throws IOException {
        Path garbage = Files.writeString(tmp.resolve("garbage.zip"), "not a zip at all");
        CliRun r = train(garbage);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
        assertThat(r.errorLine()).isEqualTo(prefix(garbage) + "not a zip file, or an empty one");
    }

    @Test
    void aZipBombIsRefusedAsExit4NotAsOutOfMemory() throws IOException {
        Path bomb = tmp.resolve("bomb.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            zip.putNextEntry(new ZipEntry("configuration.json"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 40; i++) zip.write(zeros);
            zip.closeEntry();
        }
        assertThat(Files.size(bomb)).isLessThan(1 << 20);
        CliRun r = train(bomb);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
        assertThat(r.errorLine()).startsWith(prefix(bomb) + "entry configuration.json: holds more than 16777216 bytes");
    }

    @Test
    void aTruncatedZipNamesWhatIsWrongNotNull() throws IOException {
        Path whole = tmp.resolve("whole.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(whole))) {
            zip.putNextEntry(new ZipEntry("configuration.json"));
            zip.write(new byte[5000]);
            zip.closeEntry();
        }
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = tmp.resolve("truncated.zip");
        try (OutputStream out = Files.newOutputStream(truncated)) {
            out.write(bytes, 0, 40);
        }
        CliRun r = train(truncated);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
        assertThat(r.errorLine()).startsWith(prefix(truncated)).doesNotContain("null");
    }

    @Test
    void helpSaysAMissingInitFileIsExit3AndAnUnusableOneExit4() {
        CliRun help = CliRun.of("--help");
        String text = help.out().replaceAll("\\s+", " ");   // picocli wraps the lines
        assertThat(text).contains("3 invalid config (the message names the key; also a model's init: file that does not exist)")
                .contains("4 checkpoint missing or incompatible, or a model's init: file unusable (not a model zip, malformed, "
                        + "modified since export, or of another architecture)");
    }
}
