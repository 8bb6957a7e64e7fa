package io.distill4j.cli;

import io.distill4j.run.RunDirectory;
import io.distill4j.report.ReportTable;
import io.distill4j.report.RunReport;
import io.distill4j.report.RunReports;
import io.distill4j.study.StudyFolder;
import io.distill4j.study.StudyRenderer;
import io.distill4j.study.StudyReport;
import io.distill4j.study.StudyReports;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code distill4j report RUN_DIR}: (re-)renders report.md and report.html, also for a run still in progress; for a study
 * folder, the aggregate over its finished seeds.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Re-render report.md and report.html of a run; a run without report.json (still training, stopped) "
                + "is reported from its latest evaluation. Given a study folder: re-write study-report.json/.md from its seed folders.")
public final class ReportCommand implements Callable<Integer> {
    @CommandLine.Parameters(index = "0", paramLabel = "RUN_DIR")
    Path runDir;

    @CommandLine.Option(names = "--from-metrics", description = "Rebuild from metrics.jsonl even if report.json exists (e.g. an old schema).")
    boolean fromMetrics;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (StudyFolder.isStudy(runDir)) return study();
        boolean finished = !fromMetrics && Files.isRegularFile(runDir.resolve("report.json"));
        RunReport report = finished ? RunReports.read(runDir) : RunReports.fromMetrics(runDir);
        RunDirectory dir = RunDirectory.open(runDir);
        if (finished) {
            RunReports.write(dir, report);
        } else {
            // keep a finished report.json (if any) untouched; the partial view goes to md/html only
            dir.writeText(runDir.resolve("report.md"), io.distill4j.report.ReportRenderer.markdown(report));
            dir.writeText(runDir.resolve("report.html"), io.distill4j.report.ReportRenderer.html(report));
        }
        var out = spec.commandLine().getOut();
        out.printf("%s: %s, step %d/%d%n%s%nwrote %s and %s%n", report.run(), report.status(), report.steps(), report.totalSteps(),
                ReportTable.render(report), runDir.resolve("report.md"), runDir.resolve("report.html"));
        out.flush();
        return ExitCodes.OK;
    }

    private int study() {
        StudyFolder folder = new StudyFolder(runDir);
        StudyReport report = StudyReports.fromFolder(folder, new SeedConformity(folder));
        StudyReports.write(folder, report);
        var out = spec.commandLine().getOut();
        out.printf("%s%nwrote %s and %s%n", StudyRenderer.table(report), folder.reportJson(), folder.reportMarkdown());
        out.flush();
        var err = spec.commandLine().getErr();
        report.excludedSeeds().forEach(e -> err.println("distill4j: warning: seed " + e.seed() + " is left out of the aggregate: " + e.reason()));
        err.flush();
        return ExitCodes.OK;
    }
}
