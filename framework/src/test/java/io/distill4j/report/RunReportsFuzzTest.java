package io.distill4j.report;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes {@link RunReports#read} (report.json of a run folder, checked by {@link ReportValidator}). Contract: a report,
 * or a {@link ReportException}.
 */
class RunReportsFuzzTest {
    private static final FuzzContract FUZZ = new FuzzContract("report-json", false);
    private static Path run;

    @FuzzTest(maxDuration = "60s")
    void readReport(byte[] input) throws Throwable {
        if (input.length > FuzzContract.MAX_INPUT) return;
        if (run == null) {
            run = Files.createTempDirectory("fuzz-report");
            Files.writeString(run.resolve("config.yaml"), "name: fuzz\n");
        }
        Files.write(run.resolve("report.json"), input);
        FUZZ.run(input, () -> {
            RunReport report = RunReports.read(run);
            if (report.models().isEmpty()) throw new AssertionError("a report without models passed validation");
        }, ReportException.class);
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
