package io.distill4j.report;

/** A run folder without a (readable, current-schema) report or metrics, or a folder that is not a run at all. */
public class ReportException extends RuntimeException {
    public ReportException(String message) {
        super(message);
    }
}
