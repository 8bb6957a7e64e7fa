package io.distill4j.cli;

/** A user mistake detected by the CLI itself (bad folder, existing run dir ...), with the exit code it maps to. */
public class UserInputException extends RuntimeException {
    private final int exitCode;

    public UserInputException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
