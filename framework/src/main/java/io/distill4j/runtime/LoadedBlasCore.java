package io.distill4j.runtime;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The kernel the loaded OpenBLAS runs, in {@code OPENBLAS_CORETYPE}'s spelling (e.g. {@code SKYLAKEX}). JavaCPP 1.5.7's
 * OpenBLAS preset maps neither {@code openblas_get_corename} nor {@code openblas_get_config}, but the DYNAMIC_ARCH build
 * ND4J bundles exports its dispatch pointer {@code gotoblas} and one table per core ({@code gotoblas_SKYLAKEX} ...):
 * the core is the table the pointer points at. Read after OpenBLAS chose, i.e. once ND4J has loaded.
 */
public final class LoadedBlasCore {
    private LoadedBlasCore() {
    }

    /** The running core, or null where OpenBLAS is not loaded or is not such a build (another BLAS, a CUDA backend). */
    public static String name() {
        try {
            Pointer dispatch = Loader.addressof("gotoblas");
            if (dispatch == null || dispatch.isNull()) return null;
            Pointer table = new PointerPointer<>(dispatch).get(0);
            if (table == null || table.isNull()) return null;
            for (String core : BlasCore.GENERATION.keySet()) {
                Pointer candidate = Loader.addressof("gotoblas_" + core);
                if (candidate != null && candidate.address() == table.address()) return core;
            }
            return null;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return null;  // JavaCPP's own library missing: an unknown core, not a failed run
        }
    }
}
