package io.distill4j.cli;

import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.RunListener;
import picocli.CommandLine;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * SIGINT/SIGTERM from a command's start to its end (a study: across all its seeds), so that no signal is swallowed or
 * kills the process silently. What a signal does depends on where the run is:
 * <ul>
 * <li>before a run has begun (data loading, model building: nothing written yet) it runs the run's abort action, which
 *     says so in one line, removes a folder that holds nothing yet and ends the process at once;</li>
 * <li>during training it asks the trainer to stop after its step (a checkpoint is written, exit 130/143);</li>
 * <li>after the last step the run's end (final evaluation, test pass, export, report) stops between pieces of work
 *     ({@link OnlineTrainer#stopIfRequested});</li>
 * <li>otherwise (between a study's seeds) it is recorded, and the study starts no further seed.</li>
 * </ul>
 */
final class Interrupts implements RunListener {
    private static final List<Signal> HANDLED = List.of(new Signal("INT"), new Signal("TERM"));
    private static Interrupts current;
    private static int users;

    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String signal;
    // weakly: after an OutOfMemoryError the trainer's networks must be free for the one-line report to be written
    private WeakReference<OnlineTrainer> trainer = new WeakReference<>(null);
    private Runnable abort;
    private boolean aborting;

    private Interrupts() {
    }

    /** The handlers of this command, installed by its first user (a study, or a single run) and shared by the others. */
    static synchronized Interrupts install() {
        if (users++ == 0) {
            current = new Interrupts();
            for (Signal s : HANDLED) current.previous.add(Signal.handle(s, current::handle));
        }
        return current;
    }

    /**
     * For a command from its start (config, backend start-up: seconds) until it writes anything: a signal ends the
     * process at once with one line, rather than silently (the JVM's default) or after the data has loaded.
     * The command calls {@link #begin} before its first write and {@link #uninstall} at its end.
     */
    static Interrupts installForCommand(CommandLine.Model.CommandSpec spec) {
        Interrupts signals = install();
        signals.beforeRun(() -> {
            var out = spec.commandLine().getOut();
            out.println("stopped by SIG" + signals.signal() + " before the run began; nothing was written");
            out.flush();
            Runtime.getRuntime().halt(signals.exitCode());
        });
        return signals;
    }

    /** Before a write: if a signal is ending the process meanwhile, wait for it rather than write. */
    void beginOrAwaitExit() {
        if (begin()) return;
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The last user restores the handlers that were there before. */
    static synchronized void uninstall() {
        if (--users > 0) return;
        for (int i = 0; i < current.previous.size(); i++) Signal.handle(HANDLED.get(i), current.previous.get(i));
        current = null;
    }

    private void handle(Signal s) {
        Runnable action;
        synchronized (this) {
            if (signal == null) signal = s.getName();
            OnlineTrainer t = trainer.get();
            if (t != null) {
                t.requestStop();
                return;
            }
            action = abort;
            abort = null;
            aborting = action != null;
        }
        if (action != null) action.run();
    }

    /** A run is being prepared: a signal now runs {@code action} (which ends the process). */
    void beforeRun(Runnable action) {
        synchronized (this) {
            trainer = new WeakReference<>(null);
            if (signal == null) {
                abort = action;
                return;
            }
            aborting = true;  // arrived between two runs of a study
        }
        action.run();
    }

    /** The run begins to write; false if a signal is already ending the process (then nothing may be written). */
    synchronized boolean begin() {
        abort = null;
        return !aborting;
    }

    @Override
    public synchronized void onStart(OnlineTrainer t) {
        trainer = new WeakReference<>(t);
        if (signal != null) t.requestStop();  // arrived between the run's start and its loop
    }

    /** The run is over: a signal from now on is only recorded. */
    synchronized void runEnded() {
        abort = null;
        trainer = new WeakReference<>(null);
    }

    /** The first signal received (INT or TERM), or null. */
    String signal() {
        return signal;
    }

    /** 130 for SIGINT, 143 for SIGTERM. */
    int exitCode() {
        return "TERM".equals(signal) ? ExitCodes.INTERRUPTED_TERM : ExitCodes.INTERRUPTED_INT;
    }
}
