package io.distill4j.checkpoint;

/** Another process holds the run folder's {@link RunLock}: exit code 4, like every "this run cannot be continued now". */
public class RunLockedException extends CheckpointException {
    public RunLockedException(String message) {
        super(message);
    }
}
