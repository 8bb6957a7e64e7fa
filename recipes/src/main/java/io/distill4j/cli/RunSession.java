package io.distill4j.cli;

import io.distill4j.checkpoint.RunDirectory;
import io.distill4j.recipes.PreparedRun;
import io.distill4j.recipes.RunOutcome;
import io.distill4j.report.ReportTable;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.RunListener;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine;
import sun.misc.Signal;

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

    private RunSession() {
    }

    /**
     * Runs in {@code dir}, whose lock the caller has taken and which this session releases. {@code prepare} checks
     * everything without writing into the folder (null: nothing to do); only then is the log committed and the run started. A folder left
     * holding nothing but logs (a fresh run that failed before it began) is removed. {@code label} names the run in the
     * final table (null: the report's name).
     */
    static int run(CommandLine.Model.CommandSpec spec, RunDirectory dir, boolean quiet, String label, Supplier<PreparedRun> prepare) {
        RunLogging.buffer();
        StopOnSignal signals = new StopOnSignal();
        boolean committed = false;
        try {
            LOG.info("run folder {}", dir.root().toAbsolutePath());
            PreparedRun run = prepare.get();
            if (run == null) return ExitCodes.OK;  // nothing to do (e.g. resuming a finished run)
            RunLogging.commitTo(dir.logFile());
            committed = true;
            List<RunListener> ui = new ArrayList<>();
            ui.add(signals);
            if (!quiet) ui.add(ProgressListener.create());
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
        } catch (RuntimeException | Error e) {
            if (committed) logFailure(e);
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

    /** Turns SIGINT/SIGTERM into a request to stop after the current step, so a checkpoint can be written. */
    private static final class StopOnSignal implements RunListener {
        private final List<Signal> handled = List.of(new Signal("INT"), new Signal("TERM"));
        private final List<sun.misc.SignalHandler> previous = new ArrayList<>();
        private volatile String signal;

        @Override
        public void onStart(OnlineTrainer trainer) {
            for (Signal s : handled) {
                previous.add(Signal.handle(s, sig -> {
                    signal = sig.getName();
                    trainer.requestStop();
                }));
            }
        }

        void restore() {
            for (int i = 0; i < previous.size(); i++) Signal.handle(handled.get(i), previous.get(i));
            previous.clear();
        }
    }
}
