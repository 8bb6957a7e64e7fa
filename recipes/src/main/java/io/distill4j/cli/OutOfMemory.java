package io.distill4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * An OutOfMemoryError as the one-line user error it is: the config asks for more memory than this JVM may use (exit 3,
 * like the validation that refuses such a config up front). It names what to make smaller and, in a run, the
 * checkpoint to continue from.
 */
final class OutOfMemory {
    static final String MORE = "allow more memory with -Xmx (scripts/distill4j: DISTILL4J_JAVA_OPTS=-Xmx4g)";

    private OutOfMemory() {
    }

    /** The OutOfMemoryError that {@code t} is or was caused by (ND4J and DL4J wrap errors at times). */
    static Optional<OutOfMemoryError> in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError e) return Optional.of(e);
        }
        return Optional.empty();
    }

    /** Outside a run, or where nothing is known about it. */
    static UserInputException general(OutOfMemoryError e) {
        return new UserInputException(ExitCodes.CONFIG, "out of memory (" + reason(e)
                + "): make the models, training.batchSize or data.trainLimit smaller, or " + MORE);
    }

    /**
     * In a run that had completed {@code step} (-1: had not started training) of {@code totalSteps}; {@code biggestKey} sizes the
     * largest part of its memory; {@code checkpoint} is the newest complete one (null: none yet).
     */
    static UserInputException inRun(OutOfMemoryError e, long step, long totalSteps, String biggestKey, Path checkpoint, Path runDir) {
        List<String> keys = new ArrayList<>(new LinkedHashSet<>(List.of(biggestKey, "training.batchSize", "data.trainLimit")));
        String smaller = keys.get(0) + " (the biggest part)" + (keys.size() == 3 ? ", " + keys.get(1) + " or " + keys.get(2)
                : " or " + keys.get(1));
        String where = step < 0 ? "before training started" : "after step " + step + "/" + totalSteps;
        String resume = checkpoint == null ? "; no checkpoint had been written yet, so start it again with train"
                : "; the last checkpoint, " + checkpoint.getFileName() + ", is intact: continue with scripts/distill4j resume " + runDir;
        return new UserInputException(ExitCodes.CONFIG, "out of memory " + where + " (" + reason(e) + "): make " + smaller
                + " smaller, or " + MORE + resume);
    }

    private static String reason(OutOfMemoryError e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "no detail" : m.lines().findFirst().orElse("").strip();
    }
}
