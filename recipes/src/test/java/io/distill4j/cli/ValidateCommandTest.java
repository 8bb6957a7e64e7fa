package io.distill4j.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {
    @Test
    void printWritesTheResolvedConfigEvenWhenNobodyFlushesAfterwards() {
        // picocli's default out is a PrintWriter over System.out with a buffer that print() does not flush, and main()
        // exits right after execute: whatever the command left in the buffer is lost. Nothing flushes here either.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CommandLine cli = Distill4j.commandLine();
        cli.setOut(new PrintWriter(bytes, true));
        int code = cli.execute("validate", "--config", CliErrorsTest.SMOKE, "--set", "training.epochs=3", "--print");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(out).contains(": valid (online recipe, mnist, 5 model(s) + 3 scratch twin(s), config hash ");
        // the resolved config: the override applied and the defaults the file leaves out filled in
        assertThat(out).contains("name: mnist-online-ta-smoke").contains("  epochs: 3")
                .contains("  engine: fused").contains("  keep: 3").contains("  atEpochEnd: true")
                .contains("    signalSource: training-pass");
    }
}
