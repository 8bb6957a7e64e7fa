package io.distill4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    private Stream<String> names() throws IOException {
        return Files.list(tmp).map(p -> p.getFileName().toString());
    }

    @Test
    void writesWholeFilesAndLeavesNoTemporaryFile() throws IOException {
        Path f = tmp.resolve("report.json");
        AtomicFiles.writeString(f, "first");
        AtomicFiles.writeString(f, "second");
        assertThat(Files.readString(f)).isEqualTo("second");
        assertThat(names()).containsExactly("report.json");
    }

    @Test
    void aFullDiskMidwayKeepsTheOldFileRemovesTheTemporaryOneAndSaysWhereAndWhy() throws IOException {
        Path f = tmp.resolve("report.html");
        AtomicFiles.writeString(f, "old");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(new byte[1000]);
            throw new IOException("No space left on device");
        })).isInstanceOf(StorageException.class)
                .hasMessage("cannot write " + f.toAbsolutePath() + ": no space left on device");
        assertThat(Files.readString(f)).isEqualTo("old");
        assertThat(names()).containsExactly("report.html");
    }

    @Test
    void aFolderThatIsAFileIsReportedInTheOsWords() throws IOException {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> AtomicFiles.writeString(file.resolve("report.md"), "x"))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("cannot write " + file.resolve("report.md").toAbsolutePath() + ": ")
                .hasMessageContainingAll("ot a directory");
        assertThat(names()).containsExactly("a-file");
    }

    @Test
    void aFailureOfTheContentItselfAlsoRemovesTheTemporaryFile() throws IOException {
        Path f = tmp.resolve("model.zip");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IllegalStateException("serialiser bug");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(names()).isEmpty();
    }
}
