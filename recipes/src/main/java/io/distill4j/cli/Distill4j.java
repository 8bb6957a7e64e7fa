package io.distill4j.cli;

import io.distill4j.report.ProvenanceCollector;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** The {@code distill4j} command: subcommands, exit codes, and one-line errors for user mistakes. */
@Command(name = "distill4j", mixinStandardHelpOptions = true, versionProvider = Distill4j.Version.class,
        description = "Online knowledge distillation on the JVM: a teacher, a teaching assistant and a ladder of students trained at the same time.",
        subcommands = {NewCommand.class, TrainCommand.class, ResumeCommand.class, PredictCommand.class, ReportCommand.class, CompareCommand.class, ValidateCommand.class, BenchCommand.class, InfoCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:ok",
            "1:internal error",
            "2:usage error (bad command-line arguments)",
            "3:invalid config (the message names the key; also a model's init: file that does not exist), or a run that does not fit in memory (the message names what to make smaller)",
            "4:checkpoint missing or incompatible, or a model's init: file unusable (not a model zip, malformed, modified since export, or of another architecture)",
            "5:training diverged (NaN/Inf loss, a training loss past 1e6, or a NaN/Inf validation or test loss)",
            "6:data missing or malformed",
            "7:compute backend unavailable (e.g. no CUDA device/driver)",
            "8:not a run or study folder (or a corrupt study.json), or no report / a report of another schema version",
            "9:a file could not be read or written (the message names the path and the OS's reason: permissions, full disk ...)",
            "130:interrupted by SIGINT (Ctrl-C) after writing a checkpoint; continue with resume",
            "143:interrupted by SIGTERM after writing a checkpoint; continue with resume"})
public final class Distill4j {
    private static final Logger LOG = LogManager.getLogger(Distill4j.class);

    /** Built in advance: when reporting an OutOfMemoryError runs out of memory too, printing this needs next to none. */
    private static final String OUT_OF_MEMORY = "distill4j: out of memory: make the models, training.batchSize or data.trainLimit "
            + "smaller, or " + OutOfMemory.MORE;

    public static void main(String[] args) {
        int code;
        try {
            code = execute(args);
        } catch (OutOfMemoryError e) {
            // seen with a heap just too small to report the first one (-Xmx72m on the smoke config): a line, not a trace
            System.err.println(OUT_OF_MEMORY);
            code = ExitCodes.CONFIG;
        }
        System.exit(code);
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Distill4j());
        cli.setExitCodeExceptionMapper(new ExitCodes());
        cli.setExecutionExceptionHandler(Distill4j::handle);
        cli.setParameterExceptionHandler(Distill4j::usageError);
        cli.setExecutionStrategy(Distill4j::run);
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
                    .exitCodeList(cli.getCommandSpec().usageMessage().exitCodeList());
        }
        return cli;
    }

    /**
     * picocli hands only Exceptions to {@link #handle}: an OutOfMemoryError would leave execute() as a stack trace.
     * It becomes the one-line error it is (a run turns it into a more precise one itself, see RunSession).
     */
    private static int run(CommandLine.ParseResult parse) {
        try {
            return new CommandLine.RunLast().execute(parse);
        } catch (OutOfMemoryError e) {
            LOG.debug("out of memory", e);   // a stack trace on the console only with -v, as for every user error
            List<CommandLine> commands = parse.asCommandLineList();
            throw new CommandLine.ExecutionException(commands.get(commands.size() - 1), "out of memory", OutOfMemory.general(e));
        }
    }

    /** User mistakes print one line; only internal errors print a stack trace (to the log). */
    private static int handle(Exception thrown, CommandLine cmd, CommandLine.ParseResult parse) {
        Exception e = OutOfMemory.in(thrown).<Exception>map(OutOfMemory::general).orElse(thrown);
        int code = ExitCodes.of(e);
        PrintWriter err = cmd.getErr();
        if (code == ExitCodes.INTERNAL) {
            LOG.error("internal error", e);
            err.println("distill4j: internal error: " + ConsoleText.line(e.toString())
                    + (e instanceof UncheckedIOException ? "" : " (stack trace in the log)"));
        } else {
            LOG.debug("exit {}", code, e);
            err.println("distill4j: " + ConsoleText.line(e.getMessage()));   // the one place messages are printed
        }
        err.flush();
        return code;
    }

    /** A bad command line is one line too (picocli's default prints the whole usage text after it). */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String suggestions = "";
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            suggestions = " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
        }
        err.println("distill4j: " + ConsoleText.line(e.getMessage() + suggestions) + "; see: distill4j "
                + (cmd.getParent() == null ? "" : cmd.getCommandName() + " ") + "--help");
        err.flush();
        return ExitCodes.USAGE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"distill4j " + ProvenanceCollector.version()};
        }
    }
}
