package io.distill4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.checkpoint.CheckpointException;
import io.distill4j.checkpoint.CheckpointStore;
import io.distill4j.run.RunDirectory;
import io.distill4j.config.ConfigException;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.config.ResumePolicy;
import io.distill4j.config.RunConfig;
import io.distill4j.data.EpochCursor;
import io.distill4j.recipes.Recipes;
import io.distill4j.recipes.RunContext;
import io.distill4j.report.Provenance;
import io.distill4j.report.RunReport;
import io.distill4j.report.RunReports;
import io.distill4j.runtime.NativeRuntime;
import io.distill4j.study.StudyFolder;
import io.distill4j.listeners.StateFileCheck;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.IOException;
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
    private static final Logger RUN_LOG = LogManager.getLogger(RunLogging.RUN_LOG_ONLY);
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

    @CommandLine.Option(names = "--same-kernels",
            description = "Refuse (exit 4) to resume on other kernels than the run last ran on (OpenBLAS core, native binary, "
                    + "processor), which would continue the run correctly but not bitwise identically; without it such a resume "
                    + "warns and records the change in provenance.")
    boolean sameKernels;

    @CommandLine.Mixin
    LoggingMixin logging;

    @CommandLine.Mixin
    ThreadsOption threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        threads.check(spec);
        Interrupts.installForCommand(spec);
        try {
            return resume();
        } finally {
            Interrupts.uninstall();
        }
    }

    private Integer resume() {
        Long maxStep = parseFrom();
        if (StudyFolder.isStudy(runDir)) {
            if (maxStep != null || !overrides.isEmpty() || allowConfigChange) {
                throw new UserInputException(ExitCodes.USAGE, "--from, --set and --allow-config-change apply to one run; "
                        + "resume its seed folder instead (e.g. " + runDir.resolve("seed-N") + ")");
            }
            if (sameKernels) {
                throw new UserInputException(ExitCodes.USAGE, "--same-kernels applies to one run; resume its seed folder instead (e.g. "
                        + runDir.resolve("seed-N") + ")");
            }
            return StudyRunner.resume(spec, runDir, logging.quiet(), threads.value());
        }
        return resumeRun(spec, runDir, maxStep, overrides, allowConfigChange, sameKernels, logging.quiet(), threads.value());
    }

    /** Resumes one run folder; a study resumes its stopped seed through this too. */
    static int resumeRun(CommandLine.Model.CommandSpec spec, Path runDir, Long maxStep, List<String> overrides,
                         boolean allowConfigChange, boolean sameKernels, boolean quiet, Integer threads) {
        return resumeRun(spec, runDir, maxStep, overrides, allowConfigChange, sameKernels, quiet, threads, RunSession.Continuation.ofRun(runDir));
    }

    /** As above; {@code next} says how to continue after a stop (a study's seed: resume the study). */
    static int resumeRun(CommandLine.Model.CommandSpec spec, Path runDir, Long maxStep, List<String> overrides,
                         boolean allowConfigChange, boolean sameKernels, boolean quiet, Integer threads, RunSession.Continuation next) {
        RunDirectory dir = RunDirectory.open(runDir);
        if (!Files.isRegularFile(dir.configFile())) {
            throw new UserInputException(ExitCodes.REPORT, runDir + " is not a run folder (no config.yaml); pass the folder that train created");
        }
        if (overrides.isEmpty() && maxStep == null && isComplete(dir)) return sayComplete(spec, runDir);
        // init: files are not re-read on resume (the checkpoint holds the weights): they may have moved since
        ConfigLoader loader = new ConfigLoader(Recipes.vocabulary()).forResume();
        ResolvedConfig requested = loader.load(dir.configFile(), overrides);
        dir.lock();
        // validate, then commit: nothing in the run folder changes until every check below has passed
        return RunSession.run(spec, dir, quiet, null, requested.config(), next, () -> {
            Backend.start(threads);
            CheckpointStore store = new CheckpointStore(runDir);
            refuseFromBeforeEveryCheckpoint(store, maxStep);
            // each checkpoint must list every file a resume of its own config reads, or it is skipped like a corrupt one
            CheckpointStore.Needs needs = configFile -> {
                RunConfig at = checkpointConfig(loader, configFile).config();
                return Recipes.get(at.recipe()).checkpointFiles(at);
            };
            // a signal memory that matches its hash but not the checkpoint's state is unusable like a corrupt file;
            // said once on the console (one distill4j: line), and in the run log
            CheckpointStore.Loaded checkpoint = store.loadNewestValid(maxStep, needs, StateFileCheck::firstProblem, problem -> {
                RUN_LOG.warn(problem + "; trying the previous one");
                spec.commandLine().getErr().println("distill4j: " + ConsoleText.line(problem) + "; trying the previous one");
                spec.commandLine().getErr().flush();
            });
            ResolvedConfig atCheckpoint = checkpointConfig(loader, checkpoint.configFile());
            List<String> changed = atCheckpoint.hash().equals(requested.hash()) ? List.of()
                    : loader.changedKeys(atCheckpoint.config(), requested.config());
            List<String> refused = ResumePolicy.refusals(atCheckpoint.config(), changed);
            if (!refused.isEmpty()) {
                throw new CheckpointException("cannot change " + String.join(", ", refused) + " when resuming checkpoint "
                        + checkpoint.dir().getFileName() + "; a resume may change only " + ResumePolicy.changeable()
                        + " (start a new run for the rest)");
            }
            if (!changed.isEmpty() && !allowConfigChange) {
                throw new CheckpointException("the config differs from checkpoint " + checkpoint.dir().getFileName() + " in "
                        + changed + "; resume with --allow-config-change to continue with the new values");
            }
            if (isComplete(dir) && checkpoint.state().step() >= totalSteps(requested, checkpoint)) {
                sayComplete(spec, runDir);
                return null;  // nothing to do: the session writes nothing
            }
            if (sameKernels) refuseOtherKernels(dir, checkpoint);
            return Recipes.get(requested.config().recipe()).prepareResume(new RunContext(requested, dir,
                    TrainCommand.commandLine(spec)), checkpoint, changed);
        });
    }

    /** {@code --same-kernels}: only the kernels the run last ran on continue it bitwise identically. */
    private static void refuseOtherKernels(RunDirectory dir, CheckpointStore.Loaded checkpoint) {
        Provenance recorded;
        try {
            recorded = new ObjectMapper().readValue(dir.provenanceFile().toFile(), Provenance.class);
        } catch (IOException e) {
            return;  // the recipe refuses a damaged run folder with its own message
        }
        NativeRuntime.describe().kernelChangeSince(recorded.lastRuntime()).ifPresent(change -> {
            throw new CheckpointException("--same-kernels: this process runs other kernels than checkpoint "
                    + checkpoint.dir().getFileName() + "'s run (" + change + "); a resume here would not be bitwise identical "
                    + "(drop --same-kernels to continue anyway, or resume with the run's OPENBLAS_CORETYPE on its processor)");
        });
    }

    /**
     * A finished run: its report reads back whole and says complete. Resuming it would only redo its end and rewrite
     * its timings. A damaged report (unreadable, or breaking the schema) is not finished: resume redoes the run's end
     * (evaluation, export, report) from the final checkpoint.
     */
    static boolean isComplete(RunDirectory dir) {
        if (!Files.isRegularFile(dir.reportFile())) return false;
        try {
            if (Files.size(dir.reportFile()) > RunReports.MAX_REPORT_BYTES) return false;
            com.fasterxml.jackson.databind.JsonNode tree = new ObjectMapper().readTree(dir.reportFile().toFile());
            if (tree == null || !RunReport.COMPLETE.equals(tree.path("status").asText())) return false;
            // a complete report of an older schema is an old finished run (report --from-metrics redraws it), not damage
            if (tree.path("schemaVersion").asInt(-1) != RunReport.SCHEMA_VERSION) return true;
            RunReports.read(dir.root());
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static int sayComplete(CommandLine.Model.CommandSpec spec, Path runDir) {
        spec.commandLine().getOut().printf("%s is complete (its report is written); nothing to resume. See it with: "
                + "distill4j report %s (to train it longer: resume --set training.epochs=N --allow-config-change)%n", runDir, runDir);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private static long totalSteps(ResolvedConfig config, CheckpointStore.Loaded checkpoint) {
        return (long) config.config().training().epochs() * EpochCursor.restore(checkpoint.state().cursor()).stepsPerEpoch();
    }

    /** {@code --from} before the oldest kept checkpoint: say which ones there are, rather than "all failed verification". */
    private static void refuseFromBeforeEveryCheckpoint(CheckpointStore store, Long maxStep) {
        if (maxStep == null) return;
        List<Path> kept = store.list();
        if (kept.isEmpty()) return;
        boolean any = kept.stream().anyMatch(p -> stepOf(p) <= maxStep);
        if (!any) {
            throw new UserInputException(ExitCodes.CHECKPOINT, "--from step-" + maxStep + ": no checkpoint at or before that step is kept "
                    + "(kept: " + kept.stream().map(p -> p.getFileName().toString()).sorted().toList() + ")");
        }
    }

    private static long stepOf(Path checkpoint) {
        Matcher m = STEP.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    private Long parseFrom() {
        if (from == null) return null;
        Matcher m = STEP.matcher(from);
        if (!m.matches()) throw new CommandLine.ParameterException(spec.commandLine(), "--from: expected step-N or N, got '" + from + "'");
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from: step number " + m.group(1) + " is too large");
        }
    }

    /** The config a checkpoint was written with ({@code <checkpoint>/config.yaml}). */
    private static ResolvedConfig checkpointConfig(ConfigLoader loader, Path configFile) {
        try {
            return loader.load(configFile, List.of());
        } catch (ConfigException e) {
            throw new CheckpointException("checkpoint " + configFile.getParent().getFileName() + " holds a config this version cannot read ("
                    + e.getMessage() + ")");
        }
    }
}
