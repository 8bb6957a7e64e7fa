package io.distill4j.runtime;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Thread counts that are not pathological on small machines: on 2 cores, two OpenMP threads made DL4J
 * training 2x slower than one (elementwise/updater ops thrash while GEMM barely gains; DL4J-NOTES), so the
 * default is one thread unless the user set {@code OMP_NUM_THREADS} or asked explicitly.
 */
public final class ThreadDefaults {
    public static final int DEFAULT_THREADS = 1;

    private ThreadDefaults() {
    }

    /** Applies {@code requested} threads, or the environment's OMP_NUM_THREADS, or the default; returns what was applied. */
    public static int apply(Integer requested) {
        int threads = requested != null ? requested : fromEnvironment();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        return threads;
    }

    private static int fromEnvironment() {
        String env = System.getenv("OMP_NUM_THREADS");
        if (env != null) {
            try {
                int n = Integer.parseInt(env.trim());
                if (n > 0) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
        }
        return DEFAULT_THREADS;
    }
}
