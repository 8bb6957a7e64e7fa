package io.distill4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BackendTest {
    @TempDir
    Path dir;

    @Test
    void cudaBuildWithoutDriverGetsOnePlainSentence() throws IOException {
        assertThat(Backend.missingCudaDriver(true, List.of(dir))).contains(Backend.NO_CUDA);
        assertThat(Backend.NO_CUDA).startsWith("No usable CUDA device/driver was found").doesNotContain("\n");
        Files.createFile(dir.resolve("libcuda.so.1"));
        assertThat(Backend.missingCudaDriver(true, List.of(dir))).isEmpty();
        assertThat(Backend.missingCudaDriver(false, List.of())).isEmpty();
    }

    @Test
    void cpuBackendStartsHere() {
        Backend.ensureAvailable();
    }
}
