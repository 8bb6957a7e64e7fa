package io.distill4j.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the numbers were computed with. Recorded in provenance because a different native binary or thread
 * count changes results at rounding level (DL4J-NOTES "Determinism").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NativeRuntime(String backend, String binary, int ompThreads, long blasThreads, String blasVendor,
                            int cpuCores, String ompNumThreadsEnv, String blasCore, String openblasCoretypeEnv, String cpu) {
    private static final Pattern BINARY = Pattern.compile("(linux|macosx|windows)-[a-z0-9_]+(-[a-z0-9]+)*?(?=[./\\\\])");

    /**
     * Describes the loaded backend; loads it if nothing has yet. {@code blasCore} is the OpenBLAS kernel that runs
     * ({@link LoadedBlasCore}), {@code openblasCoretypeEnv} whether it was forced, {@code cpu} the processor: with the
     * native binary they fix the kernels, and so the rounding, of every product (all three null in files written before).
     */
    public static NativeRuntime describe() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        Nd4jEnvironment env = Nd4jEnvironment.getEnvironment();
        return new NativeRuntime(backend, nativeBinary(), NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(),
                env.getBlasThreads(), env.getBlasVendor(), Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"), LoadedBlasCore.name(),
                System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"), CpuInfo.current().describe());
    }

    /**
     * How this runtime's kernels differ from {@code before}'s (native binary, OpenBLAS core, processor), or empty if they
     * are the same or {@code before} did not record them. A resumed run continues correctly on other kernels, but its
     * numbers then differ at rounding level from a run that was never stopped.
     */
    public Optional<String> kernelChangeSince(NativeRuntime before) {
        if (before == null) return Optional.empty();
        List<String> changes = new ArrayList<>();
        if (!Objects.equals(binary, before.binary)) changes.add("native binary " + before.binary + " -> " + binary);
        // a core name recorded before cores were read ("OpenBLAS's own choice") says nothing to compare with
        if (BlasCore.GENERATION.containsKey(String.valueOf(before.blasCore)) && !before.blasCore.equals(blasCore)) {
            changes.add("OpenBLAS core " + before.blasCore + " -> " + blasCore);
        }
        if (before.cpu != null && !before.cpu.equals(cpu)) changes.add("processor " + before.cpu + " -> " + cpu);
        return changes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", changes));
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
