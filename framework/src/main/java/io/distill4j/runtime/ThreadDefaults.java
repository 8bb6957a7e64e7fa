package io.distill4j.runtime;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.Map;
import java.util.Optional;

/**
 * Thread counts that are not pathological on small machines: on 2 cores, two OpenMP threads made DL4J
 * training 2x slower than one (elementwise/updater ops thrash while GEMM barely gains; DL4J-NOTES), so the
 * default is one thread unless the user set {@code OMP_NUM_THREADS} or asked explicitly.
 */
public final class ThreadDefaults {
    public static final int DEFAULT_THREADS = 1;
    /**
     * The most threads one may ask for ({@code --threads}, OMP_NUM_THREADS, DISTILL4J_BLAS_THREADS). Unbounded, a
     * transformer run given 1,000,000 died of a segmentation fault in native code, leaving no message (round 3, D8). A fixed
     * bound, not a multiple of this machine's processors, so that a command line valid on one machine is valid on all:
     * 256 is past the hardware threads of a single-socket server, and these models gain nothing from more.
     */
    public static final int MAX_THREADS = 256;

    private ThreadDefaults() {
    }

    /** Applies {@code requested} threads, or the environment's OMP_NUM_THREADS, or the default; returns what was applied. */
    public static int apply(Integer requested) {
        return apply(requested, null);
    }

    /**
     * Applies OpenMP threads (elementwise ops, as {@link #apply(Integer)}) and, separately, OpenBLAS threads for
     * GEMM: {@code blasRequested}, or DISTILL4J_BLAS_THREADS, or 1. One, because the fused training step splits
     * its products between the caller and its own second thread (io.distill4j.step): OpenBLAS threads on top
     * would put three busy threads on two cores, and their spin-waiting slows every op between products.
     */
    public static int apply(Integer requested, Integer blasRequested) {
        int threads = requested != null ? requested : fromEnvironment("OMP_NUM_THREADS", DEFAULT_THREADS);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        int blas = blasRequested != null ? blasRequested : fromEnvironment("DISTILL4J_BLAS_THREADS", DEFAULT_THREADS);
        Nd4j.factory().blas().setMaxThreads(blas);
        return threads;
    }

    /**
     * What is wrong with the thread-count variables of {@code env}, if anything. Checked before ND4J loads: ND4J
     * parses OMP_NUM_THREADS itself while starting and dies of a NumberFormatException on anything but an integer.
     */
    public static Optional<String> environmentProblem(Map<String, String> env) {
        String omp = env.get("OMP_NUM_THREADS");
        if (omp != null && !positive(omp)) {
            return Optional.of("OMP_NUM_THREADS: expected a positive integer up to " + MAX_THREADS
                    + " (the number of OpenMP threads), got '" + omp + "'; set it to e.g. 1, or unset it and use --threads N");
        }
        String blas = env.get("DISTILL4J_BLAS_THREADS");
        if (blas != null && !positive(blas)) {
            return Optional.of("DISTILL4J_BLAS_THREADS: expected a positive integer up to " + MAX_THREADS
                    + " (the number of OpenBLAS threads), got '" + blas + "'; set it to e.g. 1, or unset it");
        }
        return Optional.empty();
    }

    private static boolean positive(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            return n > 0 && n <= MAX_THREADS;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** OpenBLAS threads in effect. */
    public static int blasThreads() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    private static int fromEnvironment(String name, int fallback) {
        String env = System.getenv(name);
        if (env != null) {
            try {
                int n = Integer.parseInt(env.trim());
                if (n > 0) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
        }
        return fallback;
    }
}
