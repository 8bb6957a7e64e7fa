package io.distill4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the CLI prints (round 3): help without picocli warnings, escaped control characters, warnings, bounds. */
class CliMessagesTest {
    static final String SMOKE = CliErrorsTest.SMOKE;

    @TempDir
    Path tmp;

    @Test
    void helpOfEveryCommandPrintsNoPicocliWarning() {
        // round 3, D19: an unescaped % in compare's description made picocli warn on System.err
        List<String[]> helps = new ArrayList<>();
        helps.add(new String[]{"--help"});
        for (String command : Distill4j.commandLine().getSubcommands().keySet()) helps.add(new String[]{command, "--help"});
        PrintStream before = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (String[] args : helps) {
                CliRun r = CliRun.of(args);
                assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
                assertThat(r.out() + r.err()).as(String.join(" ", args)).doesNotContain("[picocli WARN]");
            }
        } finally {
            System.setErr(before);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("[picocli WARN]");
        assertThat(CliRun.of("compare", "--help").out()).contains("95% CI");
    }

    @Test
    void controlCharactersFromAConfigAreShownEscapedOnOneLine() throws IOException {
        // round 3, D16: a config's name could clear the screen and recolour it through an error message
        Path esc = tmp.resolve("esc.yaml");
        Files.writeString(esc, Files.readString(Path.of(SMOKE)).replaceFirst("(?m)^name: .*$", "name: \"x\\\\e[2J\\\\e[31mRED\\\\u202e\""));
        CliRun r = CliRun.of("validate", "--config", esc.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).isEqualTo("distill4j: " + esc + ": name: expected letters, digits, '.', '_' or '-' (at most 64), "
                + "got 'x\\e[2J\\e[31mRED\\u202e'").doesNotContain("\u001b");
        // a newline in a --set value stays on the one line too
        CliRun set = CliRun.of("validate", "--config", SMOKE, "--set", "name=a\nb\r\tc\u0007");
        assertThat(set.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(set.errorLine()).startsWith("distill4j: --set name=a\\nb\\r\\tc\\u0007: name: ").endsWith("got 'a\\nb\\r\\tc\\u0007'");
        assertThat(ConsoleText.line("plain – ü ✓")).isEqualTo("plain – ü ✓");
        assertThat(ConsoleText.line("\u009b31m\u007f\u2028")).isEqualTo("\\u009b31m\\u007f\\u2028");
    }

    @Test
    void threadsPastTheBoundAreAUsageErrorInOneLine() {
        // round 3, D8: --threads 1000000 made a transformer run die of a segmentation fault, without a message
        for (String threads : List.of("257", "1000000")) {
            CliRun r = CliRun.of("train", "--config", SMOKE, "--threads", threads, "--run-dir", tmp.resolve("t" + threads).toString());
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.errorLine()).startsWith("distill4j: --threads: expected an integer from 1 to 256 (this machine has ")
                    .endsWith(" processors), got " + threads + "; see: distill4j train --help");
            assertThat(tmp.resolve("t" + threads)).doesNotExist();
        }
        assertThat(CliRun.of("resume", tmp.toString(), "--threads", "300").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aMemoryRefusalBlamesTheSetThatMadeTheRunTooBig() {
        // round 3, D13: the file and models.teacher.hidden were blamed for --set data.vocabSize=16777216
        CliRun r = CliRun.of("validate", "--config", "../configs/imdb/online-ta-smoke.yaml", "--set", "training.epochs=1",
                "--set", "data.vocabSize=16777216");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).startsWith("distill4j: --set data.vocabSize=16777216: models.teacher.hidden: the run needs about ")
                .endsWith("; reduce models.teacher.hidden or data.vocabSize");
    }

    @Test
    void runsThatCannotFinishOrCannotDistilAreWarnedOrRefused() {
        // round 3, D17: 76 days of training with a validation pass every step validated without a word
        CliRun r = CliRun.of("validate", "--config", "../configs/imdb/online-ta.yaml", "--set", "training.epochs=10000",
                "--set", "training.evalEvery=1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("warning: ")).toList()).hasSize(2);
        assertThat(r.out()).contains("warning: --set training.epochs=10000: training.epochs: 7,030,000 training steps")
                .contains("warning: --set training.evalEvery=1: training.evalEvery: evaluating the 2,500 validation examples every 1 step(s)");
        CliRun shipped = CliRun.of("validate", "--config", "../configs/imdb/online-ta.yaml");
        assertThat(shipped.out()).doesNotContain("warning");
        // a warm start as long as the run: its learners never receive a signal, students end equal to their twins
        CliRun warm = CliRun.of("validate", "--config", "../configs/imdb/titan-smoke.yaml", "--set", "models.assistant.warmStartSteps=20");
        assertThat(warm.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(warm.errorLine()).isEqualTo("distill4j: --set models.assistant.warmStartSteps=20: models.assistant.warmStartSteps: "
                + "expected fewer steps than the run has (20 = training.epochs x training examples / training.batchSize), got 20: its "
                + "learners would learn from labels alone the whole run; lower it or remove it");
        assertThat(CliRun.of("validate", "--config", "../configs/imdb/titan-smoke.yaml", "--set", "models.assistant.warmStartSteps=19")
                .exitCode()).isZero();
    }

    @Test
    void aTransformerWithZeroHeadsIsAConfigErrorNotADivisionByZero() {
        // found by ConfigLoaderFuzzTest: heads 0 reached hidden % heads (exit 1, "internal error: ArithmeticException")
        CliRun r = CliRun.of("validate", "--config", "../configs/imdb/titan-smoke.yaml", "--set", "models.assistant.heads=0");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).endsWith("models.assistant.heads: expected a value in [1, 1024], got 0");
    }
}
