package io.distill4j.cli;

import org.nd4j.linalg.factory.Nd4j;

/** Starts the ND4J backend up front so a missing GPU or native library is one plain sentence, not a stack trace. */
final class Backend {
    private Backend() {
    }

    static void ensureAvailable() {
        try {
            Nd4j.getBackend();
            Nd4j.scalar(1.0f).addi(1.0f);
        } catch (Throwable t) {
            throw new BackendUnavailableException(explain(t));
        }
    }

    static String explain(Throwable t) {
        String all = chain(t);
        boolean cuda = all.contains("cuda") || all.contains("Cuda") || all.contains("CUDA") || all.contains("jcublas")
                || all.contains("JCublas");
        if (cuda) {
            return "No usable CUDA device/driver was found (libcuda.so.1 or the CUDA 11.6 runtime could not be loaded); "
                    + "this build uses the cuda profile, so run it on a machine with an NVIDIA GPU and driver, "
                    + "or rebuild with the default cpu profile: mvn -DskipTests package";
        }
        return "The ND4J native backend could not start on this machine (" + rootMessage(t) + "); "
                + "check that the build's native binary matches this CPU (distill4j info) or rebuild with mvn -DskipTests package";
    }

    private static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) sb.append(c.getClass().getName()).append(' ').append(c.getMessage()).append('\n');
        return sb.toString();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) root = root.getCause();
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
