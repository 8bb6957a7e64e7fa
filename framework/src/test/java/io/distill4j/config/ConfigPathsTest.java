package io.distill4j.config;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigPathsTest {
    @TempDir
    Path tmp;

    @AfterEach
    void noHome() {
        System.clearProperty("distill4j.home");
    }

    private Path config(String relative, String dataRoot) throws IOException {
        Path f = tmp.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "name: p\ndata: {dataset: mnist" + (dataRoot == null ? "" : ", root: " + dataRoot) + "}\n"
                + "models:\n  teacher: {family: mlp, hidden: [8]}\n  students: [{name: s, family: mlp, hidden: [4]}]\n");
        return f;
    }

    private static ConfigLoader loader() {
        return new ConfigLoader(new Vocabulary(Set.of("online"), Set.of("mnist"), ConfigLoaderTest.VOCABULARY.families(), Set.of("adam", "sgd"),
                ConfigLoaderTest.VOCABULARY.engines(), ConfigLoaderTest.VOCABULARY.precisions()));
    }

    @Test
    void relativePathsInAFileAreRelativeToTheProjectRootAboveItsConfigsFolder() throws IOException {
        Path project = tmp.resolve("proj");
        Path f = config("proj/configs/mnist/x.yaml", "data/mnist");
        RunConfig c = loader().load(f, List.of()).config();
        assertThat(c.data().root()).isEqualTo(project.resolve("data/mnist").toString());
        assertThat(c.output().runs()).as("defaults too").isEqualTo(project.resolve("runs").toString());
        // a run folder's copy of the config resolves to the same project
        Path inRun = config("proj/runs/p-1/config.yaml", "data/mnist");
        assertThat(loader().load(inRun, List.of()).config().data().root()).isEqualTo(project.resolve("data/mnist").toString());
    }

    @Test
    void withoutAConfigsFolderTheConfigsOwnFolderIsTheBaseAndDefaultsFollow() throws IOException {
        Path f = config("exp/x.yaml", null);
        RunConfig c = loader().load(f, List.of()).config();
        assertThat(c.data().root()).isEqualTo(tmp.resolve("exp/data/mnist").toString());
    }

    @Test
    void distill4jHomeWinsAndSetValuesAreRelativeToTheCurrentDirectory() throws IOException {
        Path f = config("proj/configs/x.yaml", "data/mnist");
        System.setProperty("distill4j.home", tmp.resolve("home").toString());
        assertThat(loader().load(f, List.of()).config().data().root()).isEqualTo(tmp.resolve("home/data/mnist").toString());
        RunConfig c = loader().load(f, List.of("data.root=../somewhere", "output.runs=/abs/runs")).config();
        assertThat(c.data().root()).isEqualTo(Path.of("").toAbsolutePath().resolve("../somewhere").normalize().toString());
        assertThat(c.output().runs()).isEqualTo("/abs/runs");
    }
}
