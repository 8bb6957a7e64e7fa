package io.distill4j.cli;

import io.distill4j.runtime.StorageException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The run folder's {@code logs/run.log} for the duration of a run. While a run is being prepared (checked, nothing
 * written yet) its log lines are held in memory: a refused resume must not change the run folder, not even its log;
 * {@link #commitTo} writes them out once the run starts.
 */
final class RunLogging {
    private static final String FILE = "runLog";
    private static final String BUFFER = "runLogBuffer";
    private static final String[] LOGGERS = {"io.distill4j", "org.nd4j", "org.deeplearning4j", RunLogging.RUN_LOG_ONLY};
    /** A logger whose lines go to the run log only, never to the console (see log4j2.xml). */
    static final String RUN_LOG_ONLY = "distill4j.runlog";
    private static StringWriter buffered;

    private RunLogging() {
    }

    /** Starts holding this run's log lines in memory. */
    static synchronized void buffer() {
        buffered = new StringWriter();
        Configuration cfg = context().getConfiguration();
        add(WriterAppender.newBuilder().setName(BUFFER).setTarget(buffered).setLayout(layout(cfg)).setConfiguration(cfg).build());
    }

    /** Appends the lines held so far to {@code file} and logs there from now on. */
    static synchronized void commitTo(Path file) {
        remove(BUFFER);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, buffered == null ? "" : buffered.toString(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw StorageException.of("write", file, e);
        }
        buffered = null;
        Configuration cfg = context().getConfiguration();
        add(FileAppender.newBuilder().setName(FILE).withFileName(file.toString()).withAppend(true)
                .setLayout(layout(cfg)).setConfiguration(cfg).build());
    }

    /** Stops logging to the run folder (and drops lines never committed). */
    static synchronized void detach() {
        remove(BUFFER);
        remove(FILE);
        buffered = null;
    }

    private static PatternLayout layout(Configuration cfg) {
        return PatternLayout.newBuilder().withConfiguration(cfg).withPattern("%d{ISO8601} %-5level [%t] %c{1} - %msg%n").build();
    }

    private static LoggerContext context() {
        return (LoggerContext) LogManager.getContext(false);
    }

    private static void add(Appender appender) {
        LoggerContext ctx = context();
        Configuration cfg = ctx.getConfiguration();
        appender.start();
        cfg.addAppender(appender);
        for (String logger : LOGGERS) cfg.getLoggerConfig(logger).addAppender(appender, Level.INFO, null);
        ctx.updateLoggers();
    }

    private static void remove(String name) {
        LoggerContext ctx = context();
        Configuration cfg = ctx.getConfiguration();
        for (String logger : LOGGERS) cfg.getLoggerConfig(logger).removeAppender(name);
        Appender a = cfg.getAppenders().get(name);
        if (a != null) {
            a.stop();
            if (cfg instanceof AbstractConfiguration ac) ac.removeAppender(name);
        }
        ctx.updateLoggers();
    }
}
