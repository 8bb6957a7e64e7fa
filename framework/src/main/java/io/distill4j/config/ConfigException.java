package io.distill4j.config;

/**
 * A user mistake in a config file or a {@code --set} override. The message is one line that names the
 * source, the key path and what was expected; the CLI maps it to exit code 3.
 */
public class ConfigException extends RuntimeException {
    private final String keyPath;

    public ConfigException(String source, String keyPath, String problem) {
        super(source + ": " + (keyPath == null || keyPath.isEmpty() ? "" : keyPath + ": ") + problem);
        this.keyPath = keyPath;
    }

    public String keyPath() {
        return keyPath;
    }
}
