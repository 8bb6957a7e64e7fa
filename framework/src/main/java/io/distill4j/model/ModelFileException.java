package io.distill4j.model;

import java.io.IOException;

/**
 * A model zip that cannot be used as it is: malformed (not a model zip, an entry too large, truncated, or holding values
 * outside the model's shape), or — {@link ModifiedEntryException} — an entry changed since export. Checked, so a library
 * caller handles it like any unreadable file; never an OutOfMemoryError or a native crash.
 */
public class ModelFileException extends IOException {
    private final String source;
    private final String entry;
    private final String problem;

    /** {@code source} names the file ("model zip" for a stream); {@code entry} the zip entry, or null for the whole zip. */
    public ModelFileException(String source, String entry, String problem) {
        super(message(source, entry, problem));
        this.source = source;
        this.entry = entry;
        this.problem = problem;
    }

    private static String message(String source, String entry, String problem) {
        return source + ": " + (entry == null ? "" : "entry " + entry + ": ") + problem;
    }

    public String source() {
        return source;
    }

    /** The entry at fault, or null for the zip as a whole. */
    public String entry() {
        return entry;
    }

    /** The problem without the file's name, for a caller whose message names the file already. */
    public String describe() {
        return (entry == null ? "" : "entry " + entry + ": ") + problem;
    }
}
