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

    /**
     * {@code --signal-costs} on a config with every term: one line per signal kind with its exact size (batch 32, 2 heads,
     * 16 tokens: attention 32·2·16·16·4 bytes = 65.5 kB; hidden and each projection 32·16·64·4 = 131.1 kB; logits 32·2·4),
     * then the step timed without each internal kind.
     */
    @Test
    void signalCostsGiveEachSignalKindsBytesAndTheStepWithoutIt() {
        CliRun r = CliRun.of("bench", "--config", "../configs/imdb/titan-all-terms.yaml", "--set", "data.root=../data/imdb",
                "--set", "data.maxLength=16", "--set", "data.vocabSize=500", "--set", "data.trainLimit=256", "--set", "data.validation=64",
                "--set", "models.assistant.warmStartSteps=2",   // a warm start covering the (6-step) run is refused
                "--online-only", "--signal-costs", "--steps", "1", "--warmup", "0");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
        // teacher -> assistant and assistant -> students: each kind is sent by two publishers per step
        assertThat(r.out()).contains("signal logits    2 per step, 0.3 kB per signal")
                .contains("signal attention 2 per step, 65.5 kB per signal")
                .contains("signal hidden    2 per step, 131.1 kB per signal")
                .contains("signal queries   2 per step, 131.1 kB per signal");
        assertThat(r.out()).containsPattern("(?m)^without attention terms: [0-9.]+ ms/step")
                .containsPattern("(?m)^without relations terms: [0-9.]+ ms/step")
                .containsPattern("(?m)^without hidden terms: [0-9.]+ ms/step")
                .containsPattern("(?m)^labels and logits only: [0-9.]+ ms/step");
    }

    /** {@code --data-from both}: the online step from memory and from a memory-mapped feature cache of the same rows. */
    @Test
    void timesTheStepFromMemoryAndFromTheFeatureCache() {
        CliRun r = CliRun.of("bench", "--config", "../configs/mnist/online-ta-smoke.yaml", "--set", "data.root=../data/mnist",
                "--synthetic", "1000", "--data-from", "both", "--rounds", "2", "--steps", "2", "--warmup", "1");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("feature cache: 1000 rows x 64 features, 0.3 MB mapped from ");
        assertThat(r.out()).containsPattern("(?m)^online step, data from memory: [0-9.]+ ms/step, [0-9]+ samples/s \\(median of 2\\)$")
                .containsPattern("(?m)^online step, data from cache:  [0-9.]+ ms/step, [0-9]+ samples/s \\(median of 2\\)$")
                .containsPattern("(?m)^RESULT samples_per_s=[0-9.]+ cache_samples_per_s=[0-9.]+ cache_ratio=[0-9.]+$");
    }

    @Test
    void anUnknownDataSourceIsRefused() {
        CliRun r = CliRun.of("bench", "--config", "../configs/mnist/online-ta-smoke.yaml", "--set", "data.root=../data/mnist",
                "--data-from", "disk");
        assertThat(r.exitCode()).isNotEqualTo(ExitCodes.OK);
        assertThat(r.err()).contains("--data-from: expected memory, cache or both, got disk");
    }
}
