package io.distill4j.runtime;

import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the numbers were computed with. Recorded in provenance because a different native binary or thread
 * count changes results at rounding level (DL4J-NOTES "Determinism").
 */
public record NativeRuntime(String backend, String binary, int ompThreads, long blasThreads, String blasVendor,
                            int cpuCores, String ompNumThreadsEnv) {
    private static final Pattern BINARY = Pattern.compile("(linux|macosx|windows)-[a-z0-9_]+(-[a-z0-9]+)*?(?=[./\\\\])");

    /** Describes the loaded backend; loads it if nothing has yet. */
    public static NativeRuntime describe() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        Nd4jEnvironment env = Nd4jEnvironment.getEnvironment();
        return new NativeRuntime(backend, nativeBinary(), NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(),
                env.getBlasThreads(), env.getBlasVendor(), Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"));
    }

    /**
     * The platform tag of the loaded native ND4J library (e.g. {@code linux-x86_64-avx2}), read from the path
     * JavaCPP loaded it from, which carries the classifier of the jar it came out of.
     */
    static String nativeBinary() {
        for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
            String path = e.getValue();
            if (path != null && (e.getKey().contains("nd4j") || path.contains("nd4j"))) {
                Matcher m = BINARY.matcher(path.substring(path.indexOf("nd4j")));
                if (m.find()) return m.group();
            }
        }
        return Loader.getPlatform();
    }
}
