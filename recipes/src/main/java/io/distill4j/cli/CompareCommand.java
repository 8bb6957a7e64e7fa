package io.distill4j.cli;

import io.distill4j.report.RunComparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code distill4j compare RUN_DIR... [--format ...]}: students across runs, matched by name. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare the students of several runs (matched by name) with accuracy deltas against the first run, "
                + "and list what differs between the runs.")
public final class CompareCommand implements Callable<Integer> {
    enum Format { table, md, html, csv, json }

    @CommandLine.Parameters(arity = "2..*", paramLabel = "RUN_DIR", description = "Two or more run folders; the first is the baseline.")
    List<Path> runs;

    @CommandLine.Option(names = "--format", defaultValue = "table", description = "table, md, html, csv or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RunComparison comparison = RunComparison.of(runs);
        spec.commandLine().getOut().print(comparison.render(format.name()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
