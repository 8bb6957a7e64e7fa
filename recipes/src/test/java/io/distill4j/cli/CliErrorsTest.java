package io.distill4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every user-facing error path of the CLI: its exit code and its one-line message. */
class CliErrorsTest {
    static final String SMOKE = "../configs/mnist/online-ta-smoke.yaml";

    @TempDir
    Path tmp;

    @Test
    void validateAcceptsEveryShippedConfig() throws IOException {
        try (var files = Files.walk(Path.of("../configs"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                CliRun r = CliRun.of("validate", "--config", f.toString());
                assertThat(r.exitCode()).as(f + ": " + r.err()).isZero();
                assertThat(r.out()).contains("valid");
            }
        }
    }

    @Test
    void invalidOverrideIsExitCode3NamingTheKey() {
        CliRun r = CliRun.of("validate", "--config", SMOKE, "--set", "distill.alpha=2");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).isEqualTo("distill4j: " + SMOKE + ": distill.alpha: expected a value in [0, 1], got 2.0");
    }

    @Test
    void unknownKeyTypeAndDanglingReferenceInAFileAreExitCode3() throws IOException {
        String base = Files.readString(Path.of(SMOKE));
        Path unknown = tmp.resolve("unknown.yaml");
        Files.writeString(unknown, base.replace("period: 1", "period: 1\n  warmup: 3"));
        CliRun r = CliRun.of("train", "--config", unknown.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).contains("unknown.yaml: distill.warmup: unknown key (expected one of [alpha, burnInSteps, period, temperature, temporalEnsemble, twins])");

        Path wrongType = tmp.resolve("type.yaml");
        Files.writeString(wrongType, base.replace("batchSize: 128", "batchSize: big"));
        assertThat(CliRun.of("train", "--config", wrongType.toString()).errorLine())
                .contains("training.batchSize: expected an integer");

        Path dangling = tmp.resolve("dangling.yaml");
        Files.writeString(dangling, base.replaceAll("(?s)  assistant:.*?learnsFrom: teacher\n", ""));
        CliRun d = CliRun.of("train", "--config", dangling.toString());
        assertThat(d.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(d.errorLine()).contains("models.students[0].learnsFrom: refers to the assistant, but models.assistant is not defined");
    }

    @Test
    void missingConfigFileIsExitCode3() {
        CliRun r = CliRun.of("validate", "--config", tmp.resolve("nope.yaml").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).endsWith("nope.yaml: file not found");
    }

    @Test
    void usageErrorsAreExitCode2() {
        assertThat(CliRun.of("train").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.of("train", "--config", SMOKE, "--bogus").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
        CliRun threads = CliRun.of("train", "--config", SMOKE, "--threads", "0");
        assertThat(threads.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(threads.err()).contains("--threads: expected a positive integer, got 0");
    }

    @Test
    void benchStepCountsMustBeUsable() {
        CliRun steps = CliRun.of("bench", "--config", SMOKE, "--steps", "0");
        assertThat(steps.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(steps.err()).contains("--steps: expected at least 1 timed step, got 0");
        CliRun warmup = CliRun.of("bench", "--config", SMOKE, "--warmup", "-1");
        assertThat(warmup.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(warmup.err()).contains("--warmup: expected 0 or more steps, got -1");
    }

    @Test
    void existingRunDirIsRefusedWithExitCode2() throws IOException {
        Files.writeString(tmp.resolve("config.yaml"), "name: old");
        CliRun r = CliRun.of("train", "--config", SMOKE, "--set", "data.root=../data/mnist", "--run-dir", tmp.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.errorLine()).contains("already holds a run");
    }

    @Test
    void missingDataIsExitCode6WithTheFetchCommand() {
        CliRun r = CliRun.of("train", "--config", SMOKE, "--set", "data.root=" + tmp.resolve("empty"),
                "--run-dir", tmp.resolve("run").toString(), "-q");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.DATA);
        assertThat(r.errorLine()).contains("scripts/fetch-data mnist");
    }

    @Test
    void malformedDataIsExitCode6NamingTheFile() throws IOException {
        Path root = tmp.resolve("bad");
        Files.createDirectories(root);
        for (String f : new String[]{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            Files.copy(Path.of("../data/mnist", f), root.resolve(f));
        }
        byte[] bytes = Files.readAllBytes(root.resolve("train-images-idx3-ubyte"));
        bytes[3] = 0x01;  // 0x00000801 is the labels magic, not images
        Files.write(root.resolve("train-images-idx3-ubyte"), bytes);
        CliRun r = CliRun.of("train", "--config", SMOKE, "--set", "data.root=" + root, "--run-dir", tmp.resolve("run").toString(), "-q");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.DATA);
        assertThat(r.errorLine()).contains("train-images-idx3-ubyte").contains("magic");
    }

    @Test
    void helpListsTheExitCodes() {
        CliRun r = CliRun.of("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Exit codes:").containsPattern("(?m)^\\s+3\\s+invalid config")
                .containsPattern("(?m)^\\s+6\\s+data missing or malformed").containsPattern("(?m)^\\s+143\\s+interrupted by SIGTERM");
        assertThat(CliRun.of("train", "--help").out()).contains("Exit codes:").contains("--set");
    }
}
