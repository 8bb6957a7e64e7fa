package io.distill4j.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What scripts/bench reads from {@code distill4j bench}: per-model parameter counts and the RESULT line. */
class BenchCommandTest {
    @Test
    void printsEachModelsParameterCountThenTheResult() {
        CliRun r = CliRun.of("bench", "--config", "../configs/mnist/cnn-online-smoke.yaml", "--set", "data.root=../data/mnist",
                "--online-only", "--steps", "1", "--warmup", "0");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
        // the counts bench/torch_online.py prints for the same config: conv 5x5 'valid' + 2x2 max-pool stages, dense, logits
        assertThat(r.out()).contains("params teacher=431080\nparams cnn-8=74650\nparams cnn-4=5874\n");
        assertThat(r.out()).containsPattern("(?m)^RESULT samples_per_s=[0-9.]+$");
    }
}
