package io.distill4j.cli;

/** The ND4J backend on the class path cannot start on this machine (no CUDA device or driver, missing native library). */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }
}
