package io.distill4j.report;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes metrics.jsonl as report and resume read it: {@link MetricsHistory#read}, {@link MetricsLog#truncateAfter} and
 * {@link RunReports#fromMetrics} (with a valid provenance.json). Contract: reading never fails on content (a line that
 * cannot be read is skipped and counted); truncating keeps only readable lines, which read back alike; a report from
 * metrics, or a {@link ReportException}. Input: the first byte picks the step to truncate after (x 10), the rest is
 * the file.
 */
class MetricsHistoryFuzzTest {
    private static final FuzzContract FUZZ = new FuzzContract("metrics-jsonl", false);
    private static Path run;

    @FuzzTest(maxDuration = "60s")
    void readMetrics(byte[] input) throws Throwable {
        if (input.length < 1 || input.length > FuzzContract.MAX_INPUT) return;
        if (run == null) {
            run = Files.createTempDirectory("fuzz-metrics");
            Files.writeString(run.resolve("config.yaml"), "name: fuzz\n");
            try (var in = MetricsHistoryFuzzTest.class.getResourceAsStream("fuzz/provenance.json")) {
                Files.write(run.resolve("provenance.json"), in.readAllBytes());
            }
        }
        Path file = run.resolve("metrics.jsonl");
        Files.write(file, java.util.Arrays.copyOfRange(input, 1, input.length));
        long step = 10L * (input[0] & 0xff);
        FUZZ.run(input, () -> {
            MetricsHistory all = MetricsHistory.read(file, Long.MAX_VALUE);
            try {
                RunReports.fromMetrics(run);
            } catch (ReportException expected) {
                // no start line or no evaluation yet: the contract
            }
            List<EvaluationRecord> kept = MetricsLog.truncateAfter(file, step);
            MetricsHistory after = MetricsHistory.read(file, Long.MAX_VALUE);
            if (after.skippedLines() != 0 || !after.evaluations().equals(kept) || after.lastStep() > step
                    || after.evaluations().size() > all.evaluations().size()) {
                throw new AssertionError("truncateAfter(" + step + ") kept " + after.lines());
            }
        });
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
