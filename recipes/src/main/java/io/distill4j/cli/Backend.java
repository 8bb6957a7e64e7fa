package io.distill4j.cli;

import io.distill4j.runtime.BlasCore;
import io.distill4j.runtime.CpuInfo;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Starts the ND4J backend up front so a missing GPU or native library is one plain sentence, not a stack trace. */
final class Backend {
    static final String NO_CUDA = "No usable CUDA device/driver was found (libcuda.so.1, the NVIDIA driver library, "
            + "is not installed); this build uses the cuda profile, so run it on a machine with an NVIDIA GPU and driver, "
            + "or rebuild for the CPU with: mvn -DskipTests package";
    private static final List<String> DRIVER_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
            "/lib/x86_64-linux-gnu", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib");

    private Backend() {
    }

    /** Starts the backend (or says plainly why it cannot) and applies the thread settings; every computing command calls this first. */
    static void start(Integer threads) {
        start(threads, true);
    }

    /**
     * {@code refuseUnusableCore}: false for {@code info} alone, which shows an OPENBLAS_CORETYPE this processor lacks as
     * a warning (it runs no matrix product); every other command refuses it before OpenBLAS loads and obeys it.
     */
    static void start(Integer threads, boolean refuseUnusableCore) {
        // a user's mistake, not the backend's: say so before ND4J trips over it (exit 2, not 7)
        io.distill4j.runtime.ThreadDefaults.environmentProblem(System.getenv()).ifPresent(problem -> {
            throw new UserInputException(ExitCodes.USAGE, problem);
        });
        checkBlasCoreOverride();
        if (refuseUnusableCore) {
            // what OpenBLAS will obey, whoever set it: java -jar users reach this without the launcher's check
            BlasCore.unusableCoretype(System.getenv(BlasCore.CORETYPE), CpuInfo.current()).ifPresent(problem -> {
                throw new UserInputException(ExitCodes.USAGE, problem);
            });
        }
        ensureAvailable();
        io.distill4j.runtime.ThreadDefaults.apply(threads);
    }

    /**
     * A DISTILL4J_BLAS_CORE (or -Ddistill4j.blasCore) that names no core, or one this processor lacks, is a usage error
     * here too: scripts/distill4j refuses it before Java starts, {@code java -jar} users hear it from this.
     */
    static void checkBlasCoreOverride() {
        try {
            BlasCore.resolve(BlasCore.override(), CpuInfo.current());
        } catch (IllegalArgumentException e) {
            throw new UserInputException(ExitCodes.USAGE, e.getMessage());
        }
    }

    static void ensureAvailable() {
        // check the driver before ND4J looks for it: ND4J prints its own stack trace when it is missing
        Optional<String> missing = missingCudaDriver(cudaBackendOnClasspath(), driverDirs());
        if (missing.isPresent()) throw new BackendUnavailableException(missing.get());
        try {
            Nd4j.getBackend();
            Nd4j.scalar(1.0f).addi(1.0f);
        } catch (Throwable t) {
            throw new BackendUnavailableException(cudaBackendOnClasspath() ? NO_CUDA : explain(t));
        }
    }

    static Optional<String> missingCudaDriver(boolean cudaBuild, List<Path> libraryDirs) {
        if (!cudaBuild) return Optional.empty();
        boolean found = libraryDirs.stream().anyMatch(d -> Files.exists(d.resolve("libcuda.so.1")));
        return found ? Optional.empty() : Optional.of(NO_CUDA);
    }

    private static boolean cudaBackendOnClasspath() {
        return Backend.class.getClassLoader().getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") != null;
    }

    private static List<Path> driverDirs() {
        List<Path> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) for (String d : ld.split(File.pathSeparator)) if (!d.isBlank()) dirs.add(Path.of(d));
        for (String d : DRIVER_DIRS) dirs.add(Path.of(d));
        return dirs;
    }

    static String explain(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) root = root.getCause();
        String m = root.getMessage();
        return "The ND4J native backend could not start on this machine (" + root.getClass().getSimpleName()
                + (m == null ? "" : ": " + m.lines().findFirst().orElse("")) + "); rebuild with: mvn -DskipTests package";
    }
}
