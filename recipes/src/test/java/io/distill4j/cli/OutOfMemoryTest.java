package io.distill4j.cli;

import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** An OutOfMemoryError is an Error, not an Exception: picocli's exception handler never sees it unless we catch it. */
class OutOfMemoryTest {
    @TempDir
    Path tmp;

    @AfterEach
    void removeHook() {
        RunSession.listenerForTests = null;
    }

    @CommandLine.Command(name = "exhaust")
    static final class Exhaust implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Cannot allocate new FloatPointer(4294967296): totalBytes = 1G, physicalBytes = 2G");
        }
    }

    @Test
    void anOutOfMemoryErrorInAnyCommandIsOneLineAndExitCode3() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Distill4j.commandLine().addSubcommand(new Exhaust());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("exhaust");
        CliRun r = new CliRun(code, out.toString(), err.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).isEqualTo("distill4j: out of memory (Cannot allocate new FloatPointer(4294967296): totalBytes = 1G, "
                + "physicalBytes = 2G): make the models, training.batchSize or data.trainLimit smaller, or allow more memory "
                + "with -Xmx (scripts/distill4j: DISTILL4J_JAVA_OPTS=-Xmx4g)");
    }

    @Test
    void outOfMemoryDuringTrainingIsOneLineAndLeavesTheLastCheckpointToResumeFrom() throws java.io.IOException {
        Path run = tmp.resolve("run");
        RunSession.listenerForTests = new RunListener() {
            @Override
            public void onStep(OnlineTrainer trainer, StepRecord record) {
                if (record.step() == 5) throw new OutOfMemoryError("Java heap space");
            }
        };
        CliRun r = CliRun.of("train", "--config", CliErrorsTest.SMOKE, "--set", "data.root=../data/mnist",
                "--set", "checkpoint.every=2", "--run-dir", run.toString(), "-q");
        RunSession.listenerForTests = null;
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).isEqualTo("distill4j: out of memory after step 5/8 (Java heap space): make models.teacher.hidden "
                + "(the biggest part), training.batchSize or data.trainLimit smaller, or allow more memory with -Xmx "
                + "(scripts/distill4j: DISTILL4J_JAVA_OPTS=-Xmx4g); the last checkpoint, step-00000004, is intact: "
                + "continue with scripts/distill4j resume " + run);
        assertThat(Files.readString(run.resolve("checkpoints/latest")).strip()).isEqualTo("step-00000004");

        CliRun resumed = CliRun.of("resume", run.toString(), "-q");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(Files.exists(run.resolve("report.json"))).isTrue();
    }
}
