package io.distill4j.config;

/**
 * A user mistake in a config file or a {@code --set} override. The message is one line that names the
 * source, the key path and what was expected; the CLI maps it to exit code 3.
 */
public class ConfigException extends RuntimeException {
    private final String source;
    private final String keyPath;
    private final String problem;

    public ConfigException(String source, String keyPath, String problem) {
        super(source + ": " + (keyPath == null || keyPath.isEmpty() ? "" : keyPath + ": ") + problem);
        this.source = source;
        this.keyPath = keyPath;
        this.problem = problem;
    }

    /** The file, or the {@code --set} override, the mistake is in. */
    public String source() {
        return source;
    }

    public String keyPath() {
        return keyPath;
    }

    /** What is wrong, without source and key. */
    public String problem() {
        return problem;
    }
}
