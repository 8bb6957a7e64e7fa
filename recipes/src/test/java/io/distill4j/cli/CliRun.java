package io.distill4j.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures what it printed. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Distill4j.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The error output as the user sees it: exactly one line, no stack trace. */
    String errorLine() {
        String e = err.strip();
        if (e.contains("\n") || e.contains("\tat ") || e.contains("Exception")) {
            throw new AssertionError("expected a one-line error without a stack trace, got:\n" + err);
        }
        return e;
    }
}
