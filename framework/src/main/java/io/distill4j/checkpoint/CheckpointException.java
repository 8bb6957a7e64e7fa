package io.distill4j.checkpoint;

/** No usable checkpoint, an incompatible one, or a checkpoint that could not be written (exit code 4). */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
