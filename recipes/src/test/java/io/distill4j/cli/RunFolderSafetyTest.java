package io.distill4j.cli;

import io.distill4j.run.RunLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing a user does by mistake may damage a run folder: refused resumes change nothing, a folder has one writer at a
 * time, foreign folders are never written into, failures leave no debris and are logged where the run is.
 */
class RunFolderSafetyTest {
    static final String SMOKE = ResumeCliTest.SMOKE;

    @TempDir
    Path tmp;

    private Path trainSmoke(String name, String... extra) {
        Path run = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of("train", "-q", "--config", SMOKE, "--set", "data.root=../data/mnist",
                "--set", "checkpoint.every=2", "--run-dir", run.toString()));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return run;
    }

    /** Every file of a run folder (but its lock) with its SHA-256: equal snapshots mean an untouched folder. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !RunLock.isLockFile(f)).toList()) {
                try {
                    out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    @Test
    void aRefusedResumeChangesNothingAndLaterResumesStillWork() throws IOException {
        Path run = trainSmoke("run");
        Files.delete(run.resolve("report.json"));  // as if it had been killed after its last checkpoint
        Map<String, String> before = snapshot(run);

        // refused by a check that used to run only after config.yaml and provenance.json had been rewritten
        CliRun learnsFrom = CliRun.of("resume", run.toString(), "-q", "--set", "models.students[0].learnsFrom=labels",
                "--allow-config-change");
        assertThat(learnsFrom.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
        assertThat(learnsFrom.errorLine()).contains("cannot change models.students[0].learnsFrom");
        assertThat(snapshot(run)).isEqualTo(before);

        // refused by the last check of all, after models and data are loaded: other data than the run was trained on
        Path otherData = tmp.resolve("other-mnist");
        Files.createDirectories(otherData);
        try (Stream<Path> files = Files.list(Path.of("../data/mnist"))) {
            for (Path f : files.toList()) Files.copy(f, otherData.resolve(f.getFileName()));
        }
        Path labels = otherData.resolve("t10k-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[bytes.length - 1] = (byte) ((bytes[bytes.length - 1] + 1) % 10);
        Files.write(labels, bytes);
        CliRun otherRoot = CliRun.of("resume", run.toString(), "-q", "--set", "data.root=" + otherData, "--allow-config-change");
        assertThat(otherRoot.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
        assertThat(otherRoot.errorLine()).contains("differs from the data this run was trained on").contains("t10k-labels-idx1-ubyte");
        assertThat(snapshot(run)).isEqualTo(before);

        CliRun ok = CliRun.of("resume", run.toString(), "-q");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(Files.readString(run.resolve("provenance.json"))).contains("\"resumes\"");
    }

    @Test
    void anArchitectureChangeIsRefusedEvenWhenConfigChangesAreAllowed() throws IOException {
        Path run = trainSmoke("run", "--set", "training.epochs=1");
        for (String change : List.of("models.teacher.hidden=[64]", "models.students[1].optimizer.learningRate=0.1",
                "training.batchSize=64", "distill.twins=false")) {
            CliRun r = CliRun.of("resume", run.toString(), "-q", "--set", change, "--set", "training.epochs=2", "--allow-config-change");
            String key = change.substring(0, change.indexOf('='));
            assertThat(r.exitCode()).as(change).isEqualTo(ExitCodes.CHECKPOINT);
            assertThat(r.errorLine()).as(change).contains("cannot change " + key).contains("a resume may change only");
        }
    }

    @Test
    void resumingAFinishedRunSaysSoAndTouchesNothing() throws IOException {
        Path run = trainSmoke("run");
        Map<String, String> before = snapshot(run);
        CliRun r = CliRun.of("resume", run.toString(), "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("is complete").contains("nothing to resume");
        assertThat(snapshot(run)).isEqualTo(before);
    }

    @Test
    void aRunFolderHasOneWriterAndTheLockOfAKilledProcessIsTakenOver() throws Exception {
        Path run = trainSmoke("run");
        Files.delete(run.resolve("report.json"));
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), run.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("locked"));
            assertThat(line).isEqualTo("locked");
            Map<String, String> before = snapshot(run);
            CliRun busy = CliRun.of("resume", run.toString(), "-q");
            assertThat(busy.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
            assertThat(busy.errorLine()).contains("is in use by another distill4j process (pid " + holder.pid() + ",");
            assertThat(snapshot(run)).isEqualTo(before);
            CliRun second = CliRun.of("train", "-q", "--config", SMOKE, "--run-dir", run.toString());
            assertThat(second.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
            assertThat(second.errorLine()).contains("is in use by another distill4j process (pid " + holder.pid() + ",");
            assertThat(snapshot(run)).isEqualTo(before);
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
        CliRun after = CliRun.of("resume", run.toString(), "-q");
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(Files.readString(run.resolve(RunLock.FILE_NAME))).as("released cleanly: no PID left behind").isEmpty();
    }

    @Test
    void aFolderLockedInThisProcessIsRefusedToo() throws IOException {
        Path dir = tmp.resolve("empty");
        Files.createDirectories(dir);
        try (RunLock lock = RunLock.acquire(dir)) {
            CliRun r = CliRun.of("train", "-q", "--config", SMOKE, "--set", "data.root=../data/mnist", "--run-dir", dir.toString());
            assertThat(r.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
            assertThat(r.errorLine()).contains("pid " + ProcessHandle.current().pid());
        }
    }

    @Test
    void aNonEmptyFolderThatIsNotARunIsNeverWrittenInto() throws IOException {
        Path mine = tmp.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("thesis.tex"), "precious");
        CliRun r = CliRun.of("train", "-q", "--config", SMOKE, "--set", "data.root=../data/mnist", "--run-dir", mine.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.errorLine()).contains(mine + " is not empty (holds thesis.tex)");
        try (Stream<Path> files = Files.list(mine)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("thesis.tex");
        }

        CliRun study = CliRun.of("train", "-q", "--config", SMOKE, "--seeds", "1,2", "--run-dir", mine.toString());
        assertThat(study.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(study.errorLine()).contains("is not empty");

        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        CliRun onFile = CliRun.of("train", "-q", "--config", SMOKE, "--run-dir", file.toString());
        assertThat(onFile.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(onFile.errorLine()).contains("is a file, not a folder");
    }

    @Test
    void fileSystemErrorsAreOneLineWithThePathAndTheOsReason() throws IOException {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        CliRun under = CliRun.of("train", "-q", "--config", SMOKE, "--set", "data.root=../data/mnist",
                "--run-dir", file.resolve("run").toString());
        assertThat(under.exitCode()).isEqualTo(ExitCodes.STORAGE);
        assertThat(under.errorLine()).contains("cannot create the run folder " + file.resolve("run")).containsIgnoringCase(": not a directory");

        CliRun proc = CliRun.of("train", "-q", "--config", SMOKE, "--set", "data.root=../data/mnist", "--run-dir", "/proc/distill4j-run");
        assertThat(proc.exitCode()).isEqualTo(ExitCodes.STORAGE);
        assertThat(proc.errorLine()).startsWith("distill4j: cannot create the run folder /proc/distill4j-run: ");
    }

    @Test
    void aTrainThatFailsBeforeItBeginsLeavesNoFolder() throws IOException {
        Path missing = tmp.resolve("no-data");
        CliRun noData = CliRun.of("train", "-q", "--config", SMOKE, "--set", "data.root=" + missing, "--run-dir", tmp.resolve("r1").toString());
        assertThat(noData.exitCode()).isEqualTo(ExitCodes.DATA);
        assertThat(tmp.resolve("r1")).doesNotExist();
        // a run that fails after it began keeps its folder and says why in its run.log: StudyCliTest's failed seed
    }

    @Test
    void fromBeyondLongOrBeforeEveryKeptCheckpointIsOneClearLine() throws IOException {
        Path run = trainSmoke("run", "--set", "checkpoint.keep=2");
        Files.delete(run.resolve("report.json"));
        CliRun huge = CliRun.of("resume", run.toString(), "--from", "step-99999999999999999999");
        assertThat(huge.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(huge.errorLine()).isEqualTo("distill4j: --from: step number 99999999999999999999 is too large; "
                + "see: distill4j resume --help");

        CliRun tooOld = CliRun.of("resume", run.toString(), "-q", "--from", "step-3");
        assertThat(tooOld.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
        assertThat(tooOld.errorLine()).isEqualTo("distill4j: --from step-3: no checkpoint at or before that step is kept "
                + "(kept: [step-00000006, step-00000008])");
    }

    @Test
    void relativePathsInAConfigAreRelativeToItsProjectNotToTheCurrentDirectory() throws IOException {
        // the current directory of this test is recipes/; the project below is elsewhere
        Path project = tmp.resolve("project");
        Files.createDirectories(project.resolve("configs"));
        Files.createDirectories(project.resolve("data"));
        Files.createSymbolicLink(project.resolve("data/mnist"), Path.of("../data/mnist").toAbsolutePath().normalize());
        Path config = project.resolve("configs/smoke.yaml");
        Files.copy(Path.of(SMOKE), config);
        assertThat(Files.readString(config)).contains("root: data/mnist").contains("runs: runs");

        CliRun r = CliRun.of("train", "-q", "--config", config.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path run;
        try (Stream<Path> runs = Files.list(project.resolve("runs"))) {
            run = runs.findFirst().orElseThrow();
        }
        assertThat(Files.readString(run.resolve("config.yaml"))).as("absolute paths recorded in the run")
                .contains("root: " + project.resolve("data/mnist")).contains("runs: " + project.resolve("runs"));

        Path elsewhere = tmp.resolve("elsewhere/configs/smoke.yaml");
        Files.createDirectories(elsewhere.getParent());
        Files.copy(Path.of(SMOKE), elsewhere);
        CliRun noData = CliRun.of("train", "-q", "--config", elsewhere.toString());
        assertThat(noData.exitCode()).isEqualTo(ExitCodes.DATA);
        assertThat(noData.errorLine()).contains("data not found in " + tmp.resolve("elsewhere/data/mnist"));
    }
}
