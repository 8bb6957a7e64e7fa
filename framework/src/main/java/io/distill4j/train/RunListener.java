package io.distill4j.train;

/**
 * Observes the online loop. Metrics, progress, periodic evaluation and checkpoints are listeners, so the
 * loop itself writes no files and knows nothing about the console.
 */
public interface RunListener {
    default void onStart(OnlineTrainer trainer) {
    }

    default void onStep(OnlineTrainer trainer, StepRecord record) {
    }

    default void onFinish(OnlineTrainer trainer) {
    }

    /** The loop stopped early on request (SIGINT/SIGTERM), after a complete step. */
    default void onInterrupt(OnlineTrainer trainer) {
    }
}
