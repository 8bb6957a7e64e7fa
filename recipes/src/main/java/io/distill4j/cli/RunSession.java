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
import sun.misc.Signal;

import java.lang.ref.WeakReference;
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
    /** Extra listener for every run; tests set it to make a run fail for real mid-way (null in normal use). */
    static volatile RunListener listenerForTests;

    private RunSession() {
    }

    /**
     * Runs in {@code dir}, whose lock the caller has taken and which this session releases. {@code prepare} checks
     * everything without writing into the folder (null: nothing to do); only then is the log committed and the run
     * started. A folder left holding nothing but logs (a fresh run that failed before it began) is removed. {@code label} names the run in the
     * final table (null: the report's name); {@code config} sizes the advice after an out-of-memory error.
     */
    static int run(CommandLine.Model.CommandSpec spec, RunDirectory dir, boolean quiet, String label, RunConfig config,
                   Supplier<PreparedRun> prepare) {
        RunLogging.buffer();
        StopOnSignal signals = new StopOnSignal();
        boolean committed = false;
        Progress progress = new Progress();
        try {
            LOG.info("run folder {}", dir.root().toAbsolutePath());
            PreparedRun run = prepare.get();
            if (run == null) return ExitCodes.OK;  // nothing to do (e.g. resuming a finished run)
            RunLogging.commitTo(dir.logFile());
            committed = true;
            List<RunListener> ui = new ArrayList<>();
            ui.add(signals);
            ui.add(progress);
            if (!quiet) ui.add(ProgressListener.create());
            RunListener hook = listenerForTests;
            if (hook != null) ui.add(hook);
            RunOutcome outcome = run.start(ui);
            var out = spec.commandLine().getOut();
            if (!outcome.completed()) {
                String msg = String.format(Locale.ROOT, "interrupted by SIG%s at step %d/%d; checkpoint %s; continue with: "
                        + "scripts/distill4j resume %s", signals.signal, outcome.step(), outcome.totalSteps(),
                        outcome.lastCheckpoint(), dir.root());
                LOG.warn(msg);
                out.println(msg);
                out.flush();
                return "TERM".equals(signals.signal) ? ExitCodes.INTERRUPTED_TERM : ExitCodes.INTERRUPTED_INT;
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
            signals.restore();
            RunLogging.detach();
            if (dir.holdsNothingButLogs()) {
                LOG.info("removing {}: the run failed before it wrote anything", dir.root());
                dir.delete();
            }
            dir.close();
        }
    }

    /** The reason a started run failed goes into its run.log too: the console may be long gone when someone reads it. */
    private static void logFailure(Throwable e) {
        int code = ExitCodes.of(e);
        if (code == ExitCodes.INTERNAL) {
            LOG.error("run failed (exit {})", code, e);
        } else {
            LOG.error("run failed (exit {}): {}", code, e.getMessage());
        }
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

    /** Turns SIGINT/SIGTERM into a request to stop after the current step, so a checkpoint can be written. */
    static final class StopOnSignal implements RunListener {
        private final List<Signal> handled = List.of(new Signal("INT"), new Signal("TERM"));
        private final List<sun.misc.SignalHandler> previous = new ArrayList<>();
        private volatile String signal;

        @Override
        public void onStart(OnlineTrainer trainer) {
            // weakly: a handler stays registered until restore(), and after an OutOfMemoryError the trainer's networks
            // must be free for the one-line report to be written at all
            WeakReference<OnlineTrainer> stoppable = new WeakReference<>(trainer);
            for (Signal s : handled) {
                previous.add(Signal.handle(s, sig -> {
                    signal = sig.getName();
                    OnlineTrainer t = stoppable.get();
                    if (t != null) t.requestStop();
                }));
            }
        }

        void restore() {
            for (int i = 0; i < previous.size(); i++) Signal.handle(handled.get(i), previous.get(i));
            previous.clear();
        }
    }
}
