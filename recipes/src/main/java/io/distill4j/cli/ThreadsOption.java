package io.distill4j.cli;

import picocli.CommandLine;

/** {@code --threads N}: ND4J's OpenMP threads for this run. */
public final class ThreadsOption {
    @CommandLine.Option(names = "--threads", paramLabel = "N",
            description = "OpenMP threads for ND4J (default: OMP_NUM_THREADS, else 1 - fastest for training on small machines).")
    Integer threads;

    Integer value() {
        return threads;
    }

    void check(CommandLine.Model.CommandSpec spec) {
        if (threads != null && threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads: expected a positive integer, got " + threads);
        }
    }
}
