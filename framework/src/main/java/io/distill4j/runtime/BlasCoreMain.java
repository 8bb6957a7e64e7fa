package io.distill4j.runtime;

/**
 * Prints the OpenBLAS core to force on this machine (nothing if none), for the launcher to export as
 * {@code OPENBLAS_CORETYPE} before the training JVM starts. A bad {@code DISTILL4J_BLAS_CORE} is one line, exit 2.
 */
public final class BlasCoreMain {
    private BlasCoreMain() {
    }

    public static void main(String[] args) {
        try {
            System.out.println(BlasCore.resolve(BlasCore.override(), CpuInfo.current()).orElse(""));
        } catch (IllegalArgumentException e) {
            System.err.println("distill4j: " + e.getMessage());
            System.exit(2);
        }
    }
}
