package io.distill4j.cli;

import io.distill4j.checkpoint.RunDirectory;
import io.distill4j.recipes.RunContext;
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
import java.util.function.Function;

/** What train and resume share: run log, progress, Ctrl-C/SIGTERM handling, the final table and the exit code. */
final class RunSession {
    private static final Logger LOG = LogManager.getLogger(RunSession.class);

    private RunSession() {
    }

    static int run(CommandLine.Model.CommandSpec spec, RunDirectory dir, boolean quiet, String runName,
                   Function<List<RunListener>, RunOutcome> body) {
        RunLogging.attach(dir.logFile());
        StopOnSignal signals = new StopOnSignal();
        try {
            LOG.info("run folder {}", dir.root());
            List<RunListener> ui = new ArrayList<>();
            ui.add(signals);
            if (!quiet) ui.add(ProgressListener.create());
            RunOutcome outcome = body.apply(ui);
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
            out.printf("%n%s (%d steps, %.1f s of training)%n%s%nrun folder: %s%n", runName, outcome.step(),
                    outcome.trainingSeconds(), ReportTable.render(outcome.report()), dir.root());
            out.flush();
            LOG.info("finished; report {}", dir.reportFile());
            return ExitCodes.OK;
        } finally {
            signals.restore();
            RunLogging.detach();
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
