package io.distill4j.cli;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.recipes.Recipes;
import io.distill4j.recipes.RunContext;
import io.distill4j.recipes.RunOutcome;
import io.distill4j.run.RunDirectory;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A run started from a saved model ({@code init:}) resumes from its checkpoint whatever became of that file. */
class ResumeInitFileTest {
    @TempDir
    Path tmp;

    @Test
    void aRunStartedWithInitResumesAfterTheInitFileWasDeleted() throws IOException {
        // round 3, D6: resume re-validated config.yaml, whose init: had to name an existing file (exit 3)
        CliRun source = CliRun.of("train", "-q", "--config", "../configs/mnist/scratch-smoke.yaml", "--set", "data.root=../data/mnist",
                "--set", "data.trainLimit=640", "--set", "data.validation=128", "--run-dir", tmp.resolve("source").toString());
        assertThat(source.exitCode()).as(source.err()).isZero();
        Path init = Files.copy(tmp.resolve("source/students/student-64.zip"), tmp.resolve("init.zip"));

        ResolvedConfig config = new ConfigLoader(Recipes.vocabulary()).load(Path.of("../configs/mnist/online-ta-smoke.yaml"),
                List.of("data.root=../data/mnist", "data.trainLimit=640", "data.validation=128", "training.epochs=2",
                        "checkpoint.every=2", "models.students[1].init=" + init));
        RunDirectory dir = RunDirectory.create(tmp, "x", tmp.resolve("run"));
        RunListener stopAt2 = new RunListener() {
            @Override
            public void onStep(OnlineTrainer trainer, StepRecord record) {
                if (record.step() == 2) trainer.requestStop();
            }
        };
        RunOutcome stopped = Recipes.get("online").prepareTrain(new RunContext(config, dir, List.of("test"))).start(List.of(stopAt2));
        assertThat(stopped.completed()).isFalse();
        dir.close();
        Files.delete(init);

        CliRun resumed = CliRun.of("resume", "-q", dir.root().toString());
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(dir.reportFile()).exists();
        assertThat(Files.readString(dir.provenanceFile())).as("where it started from stays recorded").contains(init.toString());
    }
}
