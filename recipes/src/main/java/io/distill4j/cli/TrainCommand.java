package io.distill4j.cli;

import io.distill4j.run.RunDirectory;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.config.RunConfig;
import io.distill4j.recipes.Recipes;
import io.distill4j.recipes.RunContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code distill4j train --config F [--set k=v]... [--run-dir D] [--seeds 1,2,3]}: one run, one report; or a study over seeds. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the teacher, assistant and students of a config at the same time; prints their test accuracies.")
public final class TrainCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions configOptions;

    @CommandLine.Mixin
    LoggingMixin logging;

    @CommandLine.Mixin
    ThreadsOption threads;

    @CommandLine.Option(names = "--run-dir", paramLabel = "DIR",
            description = "Run folder to create (default: <output.runs>/<name>-<yyyyMMdd-HHmmss>).")
    Path runDir;

    @CommandLine.Option(names = "--seeds", paramLabel = "LIST",
            description = "Run once per seed (training.seed), e.g. 1,2,3 or 1-5, into one study folder "
                    + "(default: <output.runs>/<name>-study-<yyyyMMdd-HHmmss>, or --run-dir) with seed-N/ run folders and "
                    + "study-report.json/.md: mean, sd and 95%% CI over the seeds.")
    String seeds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        threads.check(spec);
        Interrupts signals = Interrupts.installForCommand(spec);
        try {
            return call(signals);
        } finally {
            Interrupts.uninstall();
        }
    }

    private Integer call(Interrupts signals) {
        List<Long> seedList = seeds == null ? null : SeedList.parse(seeds);
        ResolvedConfig resolved = configOptions.load();
        // before anything runs: a run that cannot finish, or checkpoints that cannot fit, are said once, on stderr
        configOptions.warnings(resolved, seedList == null ? 1 : seedList.size())
                .forEach(w -> spec.commandLine().getErr().println("distill4j: " + ConsoleText.line(w)));
        if (seedList != null) {
            return StudyRunner.train(spec, configOptions, seedList, runDir, logging.quiet(), threads.value(), signals);
        }
        RunConfig config = resolved.config();
        Backend.start(threads.value());
        signals.beginOrAwaitExit();  // from here a signal is the run session's (it removes the folder it finds empty)
        RunDirectory dir = createRunDirectory(Path.of(config.output().runs()), config.name(), runDir);
        List<String> commandLine = commandLine(spec);
        return RunSession.run(spec, dir, logging.quiet(), config.name(), config,
                () -> Recipes.get(config.recipe()).prepareTrain(new RunContext(resolved, dir, commandLine)));
    }

    /** A new, locked run folder; an unusable {@code --run-dir} is a usage error. */
    static RunDirectory createRunDirectory(Path runsFolder, String name, Path explicit) {
        try {
            return RunDirectory.create(runsFolder, name, explicit);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(ExitCodes.USAGE, "--run-dir: " + e.getMessage());
        }
    }

    static List<String> commandLine(CommandLine.Model.CommandSpec spec) {
        List<String> args = new ArrayList<>();
        args.add("distill4j");
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        return args;
    }
}
