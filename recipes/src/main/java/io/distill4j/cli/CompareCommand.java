package io.distill4j.cli;

import io.distill4j.report.RunComparison;
import io.distill4j.study.StudyComparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code distill4j compare RUN_DIR... [--format ...]}: students across runs or studies, matched by name. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare the students of several runs (matched by name) with accuracy deltas against the first run, "
                + "and list what differs between the runs. Given study folders (train --seeds): mean accuracy ± sd, "
                + "mean gain over the twin with its 95%% CI and wins per study; a run among them counts as a study of one seed.")
public final class CompareCommand implements Callable<Integer> {
    enum Format { table, md, html, csv, json }

    @CommandLine.Parameters(arity = "2..*", paramLabel = "RUN_DIR", description = "Two or more run or study folders; the first is the baseline.")
    List<Path> runs;

    @CommandLine.Option(names = "--format", defaultValue = "table", description = "table, md, html, csv or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<String> warnings = new java.util.ArrayList<>();
        String text = StudyComparison.anyStudy(runs) ? StudyComparison.of(runs, SeedConformity::new, warnings::add).render(format.name())
                : RunComparison.of(runs).render(format.name());
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        warnings.forEach(w -> spec.commandLine().getErr().println("distill4j: warning: " + w));
        spec.commandLine().getErr().flush();
        return ExitCodes.OK;
    }
}
