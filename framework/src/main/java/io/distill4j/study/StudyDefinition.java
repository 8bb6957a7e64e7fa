package io.distill4j.study;

import java.util.List;

/**
 * {@code study.json}: what a study is, written before its first seed runs so that resume can finish it. {@code config}
 * is the config file as given, {@code overrides} the {@code --set} values in order (each seed adds
 * {@code training.seed=N} after them), {@code created} an ISO-8601 local time.
 */
public record StudyDefinition(int schemaVersion, String name, String config, List<String> overrides, List<Long> seeds,
                              String created, List<String> commandLine) {
    public static final int SCHEMA_VERSION = 1;
    /** More seeds than anyone means to run in one study (`--seeds` and study.json alike); catches {@code 1-1000000} typos. */
    public static final int MAX_SEEDS = 1000;

    public StudyDefinition {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        commandLine = commandLine == null ? List.of() : List.copyOf(commandLine);
    }
}
