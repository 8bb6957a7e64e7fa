package io.distill4j.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Valid configs that would not finish, would fill the disk or run more seeds than anyone reads (round 3, D17). */
class RunWarningsTest {
    @TempDir
    Path dir;

    private RunConfig config(String... overrides) throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, ConfigLoaderTest.VALID);
        return new ConfigLoader(ConfigLoaderTest.VOCABULARY, MemoryBudget.UNLIMITED).load(f, List.of(overrides)).config();
    }

    private static List<KeyProblem> warnings(RunConfig c, int seeds, long freeDisk) {
        return RunWarnings.of(c, io.distill4j.model.ModelFamilies.all(), seeds, freeDisk);
    }

    @Test
    void anOrdinaryRunHasNoWarning() throws IOException {
        RunConfig c = config();
        assertThat(RunWarnings.length(c).steps()).as("2 epochs of (60,000 - 5,000) / 64").isEqualTo(2 * (55_000 / 64));
        assertThat(warnings(c, 3, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void aRunOfOverAMillionStepsIsWarnedNamingItsLength() throws IOException {
        List<KeyProblem> w = warnings(config("training.batchSize=1", "training.epochs=10000"), 1, Long.MAX_VALUE);
        assertThat(w).extracting(KeyProblem::key).containsExactly("training.epochs");
        assertThat(w.get(0).problem()).startsWith("550,000,000 training steps (10000 epochs of 55,000 batches of 1): days of training");
    }

    @Test
    void checkpointsBeyondTheFreeDiskAreWarnedPerSeed() throws IOException {
        RunConfig c = config("checkpoint.every=1", "checkpoint.keep=1000", "models.teacher.hidden=[4096, 4096]");
        long perRun = RunWarnings.checkpointBytes(c, io.distill4j.model.ModelFamilies.all(), RunWarnings.length(c));
        assertThat(perRun).as("1001 checkpoints of a 20M-parameter teacher").isGreaterThan(100L << 30);
        assertThat(warnings(c, 1, perRun + 1)).isEmpty();
        List<KeyProblem> w = warnings(c, 2, perRun + 1);
        assertThat(w).extracting(KeyProblem::key).containsExactly("checkpoint.keep");
        assertThat(w.get(0).problem()).contains(" a seed, ").contains(" for 2 seeds, but ").endsWith("or free disk space");
        assertThat(warnings(config(), 1, 1)).as("3 + 1 small checkpoints on a full disk").extracting(KeyProblem::key)
                .containsExactly("checkpoint.keep");
    }

    @Test
    void moreThanAHundredSeedsAreWarned() throws IOException {
        RunConfig c = config();
        assertThat(warnings(c, 100, Long.MAX_VALUE)).isEmpty();
        assertThat(warnings(c, 1000, Long.MAX_VALUE)).extracting(KeyProblem::key).containsExactly("--seeds");
    }
}
