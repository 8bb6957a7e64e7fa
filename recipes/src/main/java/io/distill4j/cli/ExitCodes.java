package io.distill4j.cli;

import io.distill4j.checkpoint.CheckpointException;
import io.distill4j.run.RunLockedException;
import io.distill4j.config.ConfigException;
import io.distill4j.config.OverrideException;
import io.distill4j.data.DataException;
import io.distill4j.train.InitialWeightsException;
import io.distill4j.report.ReportException;
import io.distill4j.runtime.StorageException;
import io.distill4j.train.DivergenceException;
import picocli.CommandLine;

/** The exit codes of every command (listed in {@code --help} by {@link Distill4j}) and the mapping from exceptions to them. */
public final class ExitCodes implements CommandLine.IExitCodeExceptionMapper {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    public static final int CONFIG = 3;
    public static final int CHECKPOINT = 4;
    public static final int DIVERGED = 5;
    public static final int DATA = 6;
    public static final int BACKEND = 7;
    public static final int REPORT = 8;
    public static final int STORAGE = 9;
    /** 128 + signal number, as shells report a process stopped by SIGINT / SIGTERM. */
    public static final int INTERRUPTED_INT = 130;
    public static final int INTERRUPTED_TERM = 143;

    @Override
    public int getExitCode(Throwable t) {
        return of(t);
    }

    static int of(Throwable t) {
        if (t instanceof OverrideException) return USAGE;   // a --set that does not fit the config: a command-line mistake
        if (t instanceof ConfigException) return CONFIG;
        if (t instanceof DataException) return DATA;
        if (t instanceof DivergenceException) return DIVERGED;
        if (t instanceof CheckpointException || t instanceof RunLockedException || t instanceof InitialWeightsException) return CHECKPOINT;
        if (t instanceof ReportException) return REPORT;
        if (t instanceof BackendUnavailableException) return BACKEND;
        if (t instanceof StorageException) return STORAGE;
        if (t instanceof UserInputException u) return u.exitCode();
        if (t instanceof CommandLine.ParameterException) return USAGE;
        return INTERNAL;
    }
}
