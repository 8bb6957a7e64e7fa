package io.distill4j.config;

/**
 * A {@code --set} override that cannot be applied at all: not KEY=VALUE, or a key path that does not fit the
 * config's shape (a field of a string, an index of a mapping, an index past the end). A command-line mistake, so
 * the CLI maps it to the usage exit code (2); a value that applies but is out of range stays a {@link ConfigException}.
 */
public class OverrideException extends ConfigException {
    public OverrideException(String assignment, String problem) {
        super("--set " + assignment, "", problem);
    }
}
