package io.distill4j.cli;

import io.distill4j.checkpoint.RunDirectory;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.config.RunConfig;
import io.distill4j.recipes.Recipes;
import io.distill4j.recipes.RunContext;
import io.distill4j.report.ReportTable;
import io.distill4j.report.RunReport;
import io.distill4j.runtime.ThreadDefaults;
import io.distill4j.train.RunListener;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code distill4j train --config F [--set k=v]... [--run-dir D]}: one run, one report. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the teacher, assistant and students of a config at the same time; prints their test accuracies.")
public final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(TrainCommand.class);

    @CommandLine.Mixin
    ConfigOptions configOptions;

    @CommandLine.Mixin
    LoggingMixin logging;

    @CommandLine.Option(names = "--run-dir", paramLabel = "DIR",
            description = "Run folder to create (default: <output.runs>/<name>-<yyyyMMdd-HHmmss>).")
    Path runDir;

    @CommandLine.Option(names = "--threads", paramLabel = "N",
            description = "OpenMP threads for ND4J (default: OMP_NUM_THREADS, else 1 - fastest for training on small machines).")
    Integer threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (threads != null && threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads: expected a positive integer, got " + threads);
        }
        ResolvedConfig resolved = configOptions.load();
        RunConfig config = resolved.config();
        Backend.ensureAvailable();
        ThreadDefaults.apply(threads);
        RunDirectory dir;
        try {
            dir = RunDirectory.create(Path.of(config.output().runs()), config.name(), runDir);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(ExitCodes.USAGE, "--run-dir: " + e.getMessage());
        }
        RunLogging.attach(dir.logFile());
        try {
            LOG.info("run folder {}", dir.root());
            List<RunListener> ui = new ArrayList<>();
            if (!logging.quiet()) ui.add(ProgressListener.create());
            RunReport report = Recipes.get(config.recipe()).run(new RunContext(resolved, dir, ui, commandLine()));
            PrintTarget.out(spec).printf("%n%s (%d steps, %.1f s)%n%s%nrun folder: %s%n", config.name(), report.steps(),
                    report.wallSeconds(), ReportTable.render(report), dir.root());
            LOG.info("finished in {} s; report {}", String.format(Locale.ROOT, "%.1f", report.wallSeconds()), dir.reportFile());
            return ExitCodes.OK;
        } finally {
            RunLogging.detach();
        }
    }

    private List<String> commandLine() {
        List<String> args = new ArrayList<>();
        args.add("distill4j");
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        return args;
    }
}
