package io.distill4j.cli;

import io.distill4j.checkpoint.CheckpointStore;
import io.distill4j.run.RunDirectory;
import io.distill4j.config.MemoryEstimate;
import io.distill4j.config.RunConfig;
import io.distill4j.recipes.PreparedRun;
import io.distill4j.recipes.Recipes;
import io.distill4j.recipes.RunOutcome;
import io.distill4j.report.ReportTable;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine;
import io.distill4j.runtime.StopRequestedException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What train and resume share: the run folder's lock and log, validate-then-commit, progress, Ctrl-C/SIGTERM handling,
 * the final table and the exit code.
 */
final class RunSession {
    private static final Logger LOG = LogManager.getLogger(RunSession.class);
    private static final Logger RUN_LOG = LogManager.getLogger(RunLogging.RUN_LOG_ONLY);
    /** Extra listener for every run; tests set it to make a run fail for real mid-way (null in normal use). */
    static volatile RunListener listenerForTests;

    private RunSession() {
    }

    /**
     * How to go on after a stop: the folder to resume (the run's own, or its study's) and, in a study, the seed that
     * stopped (null for a single run). A study's user gets one "continue" command: the one that finishes the study.
     */
    record Continuation(Path resumeDir, Long seed) {
        static Continuation ofRun(Path dir) {
            return new Continuation(dir, null);
        }

        String command() {
            return (seed == null ? "continue with" : "continue the study with") + ": scripts/distill4j resume " + resumeDir;
        }

        /** "" for a single run; for a study's seed, what else the stop means. */
        String inStudy() {
            return seed == null ? "" : " of seed " + seed + " (the seeds after it were not started)";
        }
    }

    static int run(CommandLine.Model.CommandSpec spec, RunDirectory dir, boolean quiet, String label, RunConfig config,
                   Supplier<PreparedRun> prepare) {
        return run(spec, dir, quiet, label, config, Continuation.ofRun(dir.root()), prepare);
    }

    /**
     * Runs in {@code dir}, whose lock the caller has taken and which this session releases. {@code prepare} checks
     * everything without writing into the folder (null: nothing to do); only then is the log committed and the run
     * started. A folder left holding nothing but logs (a fresh run that failed before it began) is removed. {@code label} names the run in the
     * final table (null: the report's name); {@code config} sizes the advice after an out-of-memory error.
     */
    static int run(CommandLine.Model.CommandSpec spec, RunDirectory dir, boolean quiet, String label, RunConfig config,
                   Continuation next, Supplier<PreparedRun> prepare) {
        RunLogging.buffer();
        Interrupts signals = Interrupts.install();
        boolean committed = false;
        Progress progress = new Progress();
        var out = spec.commandLine().getOut();
        try {
            signals.beforeRun(() -> stopBeforeStart(spec, dir, next, signals));
            LOG.info("run folder {}", dir.root().toAbsolutePath());
            PreparedRun run = prepare.get();
            signals.beginOrAwaitExit();
            if (run == null) return ExitCodes.OK;  // nothing to do (e.g. resuming a finished run)
            RunLogging.commitTo(dir.logFile());
            committed = true;
            List<RunListener> ui = new ArrayList<>();
            ui.add(signals);
            ui.add(progress);
            if (!quiet) ui.add(ProgressListener.create());
            RunListener hook = listenerForTests;
            if (hook != null) ui.add(hook);
            RunOutcome outcome;
            try {
                outcome = run.start(ui);
            } catch (StopRequestedException e) {
                // the signal came after the last step: the final checkpoint holds the trained models, resume redoes the end
                String msg = String.format(Locale.ROOT, "interrupted by SIG%s after training (step %d/%d)%s, before its report was "
                        + "written; checkpoint %s; %s", signals.signal(), progress.step, progress.total, next.inStudy(),
                        newestCheckpoint(dir), next.command());
                return interrupted(out, msg, signals);
            }
            if (!outcome.completed()) {
                String msg = String.format(Locale.ROOT, "interrupted by SIG%s at step %d/%d%s; checkpoint %s; %s", signals.signal(),
                        outcome.step(), outcome.totalSteps(), next.inStudy(), outcome.lastCheckpoint(), next.command());
                return interrupted(out, msg, signals);
            }
            out.printf("%n%s (%d steps, %.1f s of training)%n%s%nrun folder: %s%n", label == null ? outcome.report().run() : label,
                    outcome.step(), outcome.trainingSeconds(), ReportTable.render(outcome.report()), dir.root());
            out.flush();
            LOG.info("finished; report {}", dir.reportFile());
            return ExitCodes.OK;
        } catch (OutOfMemoryError e) {
            UserInputException reported = outOfMemory(e, progress, config, dir);
            if (committed) logFailure(reported);
            throw reported;
        } catch (RuntimeException | Error e) {
            OutOfMemoryError oom = e instanceof RuntimeException ? OutOfMemory.in(e).orElse(null) : null;
            RuntimeException reported = oom == null ? null : outOfMemory(oom, progress, config, dir);
            if (committed) logFailure(reported == null ? e : reported);
            if (reported != null) throw reported;
            throw e;
        } finally {
            signals.runEnded();
            Interrupts.uninstall();
            RunLogging.detach();
            if (dir.holdsNothingButLogs()) {
                LOG.info("removing {}: the run failed before it wrote anything", dir.root());
                dir.delete();
            }
            dir.close();
        }
    }

    /**
     * A signal while the run is being prepared (data loading, model building, checks): nothing has been written, so
     * the process ends at once, with one line, without leaving an empty folder (its lock goes with the process).
     * Runs on the signal's thread; the main thread writes nothing meanwhile ({@link Interrupts#begin}).
     */
    private static void stopBeforeStart(CommandLine.Model.CommandSpec spec, RunDirectory dir, Continuation next, Interrupts signals) {
        String msg;
        try {
            boolean fresh = dir.holdsNothingButLogs();
            if (fresh) dir.delete();
            if (next.seed() != null) {
                msg = "stopped by SIG" + signals.signal() + " before seed " + next.seed() + " began training; the seeds after it were "
                        + "not started; " + next.command();
            } else if (fresh) {
                msg = "stopped by SIG" + signals.signal() + " before training began; nothing was kept (" + dir.root()
                        + " removed); run the same command again to start over";
            } else {
                msg = "stopped by SIG" + signals.signal() + " before the run continued; " + dir.root() + " is unchanged; " + next.command();
            }
        } catch (RuntimeException e) {
            msg = "stopped by SIG" + signals.signal() + " before training began (" + e.getMessage() + ")";
        }
        var out = spec.commandLine().getOut();
        out.println(msg);
        out.flush();
        System.out.flush();
        Runtime.getRuntime().halt(signals.exitCode());
    }

    /** A run stopped by a signal: its one line on the console and in run.log, and the signal's exit code. */
    private static int interrupted(java.io.PrintWriter out, String msg, Interrupts signals) {
        RUN_LOG.warn(msg);
        out.println(msg);
        out.flush();
        return signals.exitCode();
    }

    private static Path newestCheckpoint(RunDirectory dir) {
        return new CheckpointStore(dir.root()).list().stream().findFirst().orElse(null);
    }

    /** The reason a started run failed goes into its run.log too: the console may be long gone when someone reads it. */
    private static void logFailure(Throwable e) {
        // to the run log only, with the stack trace: the console gets the failure in one line (distill4j: ...) already
        int code = ExitCodes.of(e);
        RUN_LOG.error("run failed (exit {}): {}", code, e.getMessage(), e);
    }

    /**
     * An Error passes picocli's exception handler by: one line instead, naming what to make smaller and the checkpoint
     * to resume from (the stack trace only with -v, like every user error's). Checkpoints are written whole or not at
     * all, so the newest complete one is untouched by a failure after it.
     */
    private static UserInputException outOfMemory(OutOfMemoryError e, Progress progress, RunConfig config, RunDirectory dir) {
        LOG.debug("out of memory after step {}", progress.step, e);
        Path checkpoint = new CheckpointStore(dir.root()).list().stream().findFirst().orElse(null);
        return OutOfMemory.inRun(e, progress.step, progress.total, MemoryEstimate.of(config, Recipes.vocabulary().families()).biggestKey(), checkpoint, dir.root());
    }

    /** Steps completed: numbers only, so that nothing holds on to the trainer's memory after a failure. */
    private static final class Progress implements RunListener {
        private volatile long step = -1;
        private volatile long total;

        @Override
        public void onStart(OnlineTrainer trainer) {
            total = trainer.totalSteps();
            step = trainer.step();
        }

        @Override
        public void onStep(OnlineTrainer trainer, StepRecord record) {
            step = record.step();
        }
    }
}
