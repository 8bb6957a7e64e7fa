package io.distill4j.runtime;

/**
 * Prints the OpenBLAS core to force on this machine (nothing if none), for the launcher to export as
 * {@code OPENBLAS_CORETYPE} before the training JVM starts. A bad {@code DISTILL4J_BLAS_CORE} is one line, exit 2;
 * {@code --check-coretype} checks a user's own {@code OPENBLAS_CORETYPE} instead ({@link #checkCoretype}).
 */
public final class BlasCoreMain {
    private BlasCoreMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--check-coretype")) {
            checkCoretype(System.getenv(BlasCore.CORETYPE));
            return;
        }
        try {
            System.out.println(BlasCore.resolve(BlasCore.override(), CpuInfo.current()).orElse(""));
        } catch (IllegalArgumentException e) {
            System.err.println("distill4j: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * {@code --check-coretype}: the user's own OPENBLAS_CORETYPE, which the launcher keeps. A core this processor lacks is
     * one line, exit 2 (OpenBLAS would crash the JVM with SIGILL); a name OpenBLAS does not know is a warning (it is ignored).
     */
    private static void checkCoretype(String coretype) {
        CpuInfo cpu = CpuInfo.current();
        BlasCore.unusableCoretype(coretype, cpu).ifPresent(problem -> {
            System.err.println("distill4j: " + problem);
            System.exit(2);
        });
        BlasCore.unknownCoretype(coretype).ifPresent(w -> System.err.println("distill4j: warning: " + w));
    }
}
