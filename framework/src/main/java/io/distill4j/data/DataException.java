package io.distill4j.data;

/** Data missing or malformed; the one-line message names the file and what was expected (exit code 6). */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
