package io.distill4j.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Where a command prints its results (picocli's writer, so tests can capture it). */
final class PrintTarget {
    private PrintTarget() {
    }

    static PrintWriter out(CommandLine.Model.CommandSpec spec) {
        PrintWriter out = spec.commandLine().getOut();
        return new PrintWriter(out, true);
    }
}
