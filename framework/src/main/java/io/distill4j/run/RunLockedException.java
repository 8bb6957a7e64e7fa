package io.distill4j.run;

/** Another process holds the run folder's {@link RunLock}: exit code 4, like every "this run cannot be continued now". */
public class RunLockedException extends RuntimeException {
    public RunLockedException(String message) {
        super(message);
    }
}
