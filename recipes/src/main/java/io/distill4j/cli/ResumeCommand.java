package io.distill4j.cli;

import io.distill4j.checkpoint.CheckpointException;
import io.distill4j.checkpoint.CheckpointStore;
import io.distill4j.checkpoint.RunDirectory;
import io.distill4j.config.ConfigException;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.recipes.Recipes;
import io.distill4j.recipes.RunContext;
import io.distill4j.study.StudyFolder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code distill4j resume RUN_DIR [--from step-N]}: continue a stopped or killed run exactly, in the same folder; given a
 * study folder, finish the study (see {@link StudyRunner}).
 */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continue a stopped or killed run from its newest valid checkpoint, in the same run folder. "
                + "Given a study folder (train --seeds): continue its stopped seed, run the seeds not started, write the aggregate.")
public final class ResumeCommand implements Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(ResumeCommand.class);
    private static final Pattern STEP = Pattern.compile("(?:step-)?(\\d+)");

    @CommandLine.Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run (or study) folder to continue.")
    Path runDir;

    @CommandLine.Option(names = "--from", paramLabel = "step-N",
            description = "Resume from the newest valid checkpoint at or before this step (default: the newest).")
    String from;

    @CommandLine.Option(names = "--set", paramLabel = "KEY=VALUE", description = "Change a config key for the rest of the run (needs --allow-config-change).")
    List<String> overrides = new ArrayList<>();

    @CommandLine.Option(names = "--allow-config-change",
            description = "Resume even though the config differs from the checkpoint's; the change is recorded in provenance.")
    boolean allowConfigChange;

    @CommandLine.Mixin
    LoggingMixin logging;

    @CommandLine.Mixin
    ThreadsOption threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        threads.check(spec);
        Long maxStep = parseFrom();
        if (StudyFolder.isStudy(runDir)) {
            if (maxStep != null || !overrides.isEmpty() || allowConfigChange) {
                throw new UserInputException(ExitCodes.USAGE, "--from, --set and --allow-config-change apply to one run; "
                        + "resume its seed folder instead (e.g. " + runDir.resolve("seed-N") + ")");
            }
            return StudyRunner.resume(spec, runDir, logging.quiet(), threads.value());
        }
        return resumeRun(spec, runDir, maxStep, overrides, allowConfigChange, logging.quiet(), threads.value());
    }

    /** Resumes one run folder; a study resumes its stopped seed through this too. */
    static int resumeRun(CommandLine.Model.CommandSpec spec, Path runDir, Long maxStep, List<String> overrides,
                         boolean allowConfigChange, boolean quiet, Integer threads) {
        RunDirectory dir = RunDirectory.open(runDir);
        if (!Files.isRegularFile(dir.configFile())) {
            throw new CheckpointException(runDir + " is not a run folder (no config.yaml); pass the folder that train created");
        }
        ConfigLoader loader = new ConfigLoader(Recipes.vocabulary());
        ResolvedConfig requested = loader.load(dir.configFile(), overrides);
        Backend.start(threads);
        CheckpointStore store = new CheckpointStore(runDir);
        CheckpointStore.Loaded checkpoint = store.loadNewestValid(maxStep, problem -> {
            LOG.warn(problem + "; trying the previous one");
            spec.commandLine().getErr().println("distill4j: " + problem + "; trying the previous one");
        });
        List<String> changed = changedKeys(loader, checkpoint, requested);
        if (!changed.isEmpty() && !allowConfigChange) {
            throw new CheckpointException("the config differs from checkpoint " + checkpoint.dir().getFileName() + " in "
                    + changed + "; resume with --allow-config-change to continue with the new values");
        }
        return RunSession.run(spec, dir, quiet, requested.config().name(), requested.config(),
                ui -> Recipes.get(requested.config().recipe()).resume(new RunContext(requested, dir, ui,
                        TrainCommand.commandLine(spec)), checkpoint, changed));
    }

    private Long parseFrom() {
        if (from == null) return null;
        Matcher m = STEP.matcher(from);
        if (!m.matches()) throw new CommandLine.ParameterException(spec.commandLine(), "--from: expected step-N or N, got '" + from + "'");
        return Long.parseLong(m.group(1));
    }

    private static List<String> changedKeys(ConfigLoader loader, CheckpointStore.Loaded checkpoint, ResolvedConfig requested) {
        ResolvedConfig atCheckpoint;
        try {
            atCheckpoint = loader.load(checkpoint.configFile(), List.of());
        } catch (ConfigException e) {
            throw new CheckpointException("checkpoint " + checkpoint.dir().getFileName() + " holds a config this version cannot read ("
                    + e.getMessage() + ")");
        }
        if (atCheckpoint.hash().equals(requested.hash())) return List.of();
        return loader.changedKeys(atCheckpoint.config(), requested.config());
    }
}
