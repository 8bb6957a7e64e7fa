package io.distill4j.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;

/** {@code -v}/{@code -q}: how much the console shows. The run log always keeps INFO and above. */
public final class LoggingMixin {
    private boolean verbose;
    private boolean quiet;

    @CommandLine.Option(names = {"-v", "--verbose"}, description = "Show debug output, including DL4J/ND4J's own logs.")
    void setVerbose(boolean v) {
        verbose = v;
        apply();
    }

    @CommandLine.Option(names = {"-q", "--quiet"}, description = "Show only warnings, errors and the final table; no progress bar.")
    void setQuiet(boolean q) {
        quiet = q;
        apply();
    }

    boolean quiet() {
        return quiet;
    }

    private void apply() {
        if (verbose) {
            Configurator.setLevel("io.distill4j", Level.DEBUG);
            Configurator.setLevel("org.nd4j", Level.INFO);
            Configurator.setLevel("org.deeplearning4j", Level.INFO);
        } else if (quiet) {
            // keep INFO for the run log; only the console is raised to WARN
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            Configuration cfg = ctx.getConfiguration();
            Appender console = cfg.getAppender("console");
            for (String name : new String[]{"io.distill4j", "org.nd4j", "org.deeplearning4j", ""}) {
                LoggerConfig lc = cfg.getLoggerConfig(name);
                lc.removeAppender("console");
                lc.addAppender(console, Level.WARN, null);
            }
            ctx.updateLoggers();
        }
    }
}
