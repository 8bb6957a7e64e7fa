package io.distill4j.run;

import io.distill4j.model.TrainableModel;
import io.distill4j.runtime.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunDirectoryTest {
    private static final String ENTRY = "distill4j-provenance.json";
    private static final byte[] JSON = "{\"seed\":7}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    /** A model whose export writes {@code bytes}, or fails after writing half of them. */
    private static TrainableModel exporting(byte[] bytes, boolean fail) {
        return (TrainableModel) java.lang.reflect.Proxy.newProxyInstance(TrainableModel.class.getClassLoader(),
                new Class<?>[]{TrainableModel.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("export")) throw new UnsupportedOperationException(method.getName());
                    java.io.OutputStream out = (java.io.OutputStream) args[0];
                    out.write(bytes, 0, fail ? bytes.length / 2 : bytes.length);
                    if (fail) throw new IllegalArgumentException("an entry of the engine's own model format");
                    return null;
                });
    }

    @Test
    void anExportIsWholeOrAbsent() throws IOException {
        RunDirectory dir = RunDirectory.create(tmp, "x", tmp.resolve("run"));
        Path file = dir.studentFile("s");
        dir.writeModel(file, exporting(JSON, false));
        assertThat(Files.readAllBytes(file)).isEqualTo(JSON);
        assertThatThrownBy(() -> dir.writeModel(file, exporting(new byte[64], true), Map.of(ENTRY, JSON)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readAllBytes(file)).as("the export on disk is left as it was").isEqualTo(JSON);
        assertThat(AtomicFiles.temporarySibling(file)).doesNotExist();
    }

    @Test
    void aFolderLeftByARunThatDiedBeforeItWroteAnythingIsAcceptedAgainButNotOneWithFiles() throws IOException {
        // a native crash or SIGKILL while the data loaded leaves the lock (with the dead PID) and empty logs/, students/
        Path left = tmp.resolve("crashed");
        Files.createDirectories(left.resolve("logs"));
        Files.createDirectories(left.resolve("students"));
        Files.writeString(left.resolve(RunLock.FILE_NAME), "pid 999999999, started 2026-12-07T00:00:00Z\n");
        try (RunDirectory dir = RunDirectory.create(tmp, "x", left)) {
            assertThat(dir.root()).isEqualTo(left);
        }
        Files.writeString(left.resolve("students/student-8.zip"), "a user's file");
        assertThatThrownBy(() -> RunDirectory.create(tmp, "x", left)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not empty (holds students)");
    }
}
