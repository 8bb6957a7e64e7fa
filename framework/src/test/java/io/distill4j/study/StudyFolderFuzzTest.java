package io.distill4j.study;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import io.distill4j.report.ReportException;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes {@link StudyFolder#definition} (study.json of a multi-seed study) and the seed folders it names ({@link StudyReports#completed}). Contract: a
 * definition with a config and at least one seed, or a {@link ReportException}.
 */
class StudyFolderFuzzTest {
    private static final FuzzContract FUZZ = new FuzzContract("study-json", false);
    private static Path root;

    @FuzzTest(maxDuration = "60s")
    void readDefinition(byte[] input) throws Throwable {
        if (input.length > FuzzContract.MAX_INPUT) return;
        if (root == null) root = Files.createTempDirectory("fuzz-study");
        StudyFolder study = new StudyFolder(root);
        Files.write(study.definitionFile(), input);
        FUZZ.run(input, () -> {
            StudyFolder.isStudy(root);
            StudyDefinition d = study.definition();
            if (d.config() == null || d.seeds().isEmpty()) throw new AssertionError("an incomplete definition passed");
            StudyReports.completed(study, d.seeds());   // what report and compare do next with the seeds
        }, ReportException.class);
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
