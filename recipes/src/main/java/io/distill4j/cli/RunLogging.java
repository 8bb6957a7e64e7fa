package io.distill4j.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.nio.file.Path;

/** Adds the run folder's {@code logs/run.log} to Log4j2 for the duration of a run. */
final class RunLogging {
    private static final String NAME = "runLog";

    private RunLogging() {
    }

    static void attach(Path file) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(cfg)
                .withPattern("%d{ISO8601} %-5level [%t] %c{1} - %msg%n").build();
        Appender appender = FileAppender.newBuilder().setName(NAME).withFileName(file.toString()).withAppend(true)
                .setLayout(layout).setConfiguration(cfg).build();
        appender.start();
        cfg.addAppender(appender);
        for (String logger : new String[]{"io.distill4j", "org.nd4j", "org.deeplearning4j"}) {
            LoggerConfig lc = cfg.getLoggerConfig(logger);
            lc.addAppender(appender, Level.INFO, null);
        }
        ctx.updateLoggers();
    }

    static void detach() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        for (String logger : new String[]{"io.distill4j", "org.nd4j", "org.deeplearning4j"}) {
            cfg.getLoggerConfig(logger).removeAppender(NAME);
        }
        Appender a = cfg.getAppenders().get(NAME);
        if (a != null) a.stop();
        ctx.updateLoggers();
    }
}
