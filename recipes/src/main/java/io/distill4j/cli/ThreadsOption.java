package io.distill4j.cli;

import io.distill4j.runtime.ThreadDefaults;
import picocli.CommandLine;

/** {@code --threads N}: ND4J's OpenMP threads for this run. */
public final class ThreadsOption {
    @CommandLine.Option(names = "--threads", paramLabel = "N",
            description = "OpenMP threads for ND4J, 1 to " + ThreadDefaults.MAX_THREADS
                    + " (default: OMP_NUM_THREADS, else 1 - fastest for training on small machines).")
    Integer threads;

    Integer value() {
        return threads;
    }

    void check(CommandLine.Model.CommandSpec spec) {
        if (threads != null && (threads < 1 || threads > ThreadDefaults.MAX_THREADS)) {
            // past the bound a transformer run died of a segmentation fault in native code (ThreadDefaults.MAX_THREADS)
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads: expected an integer from 1 to "
                    + ThreadDefaults.MAX_THREADS + " (this machine has " + Runtime.getRuntime().availableProcessors()
                    + " processors), got " + threads);
        }
    }
}
