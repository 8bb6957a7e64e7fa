package io.distill4j.config;

import org.bytedeco.javacpp.Pointer;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The memory a run may use, in bytes: native (ND4J's arrays, off the Java heap) and Java heap. The native budget is the
 * smaller of JavaCPP's limit ({@code Pointer.maxBytes()}: {@code -Dorg.bytedeco.javacpp.maxbytes}, by default the
 * heap size {@code -Xmx}) and the physical RAM; the heap budget is the smaller of {@code -Xmx} and the RAM.
 */
public record MemoryBudget(long nativeBytes, long heapBytes) {
    /** No limit: for tests that are not about memory. */
    public static final MemoryBudget UNLIMITED = new MemoryBudget(Long.MAX_VALUE, Long.MAX_VALUE);
    static final String NATIVE_LIMIT = "the smaller of JavaCPP's limit, -Xmx or -Dorg.bytedeco.javacpp.maxbytes, and physical RAM";

    /** A part of the estimate that does not fit: the key to change and the one-line explanation. */
    public record Problem(String key, String problem) {
    }

    /** What this JVM may use. */
    public static MemoryBudget ofThisJvm() {
        long ram = physicalRam();
        long javacpp = Pointer.maxBytes() > 0 ? Pointer.maxBytes() : Long.MAX_VALUE;   // 0: JavaCPP sets no limit
        return new MemoryBudget(Math.min(javacpp, ram), Math.min(Runtime.getRuntime().maxMemory(), ram));
    }

    private static long physicalRam() {
        // the container's limit where there is one (the JVM reads cgroups)
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : Long.MAX_VALUE;
    }

    /** The first kind of memory the estimate does not fit in, with its biggest part's key; empty if it fits. */
    public Optional<Problem> check(MemoryEstimate need) {
        if (need.nativeBytes() > nativeBytes) {
            return Optional.of(problem(need, MemoryEstimate.Part::nativeBytes, need.nativeBytes(), nativeBytes,
                    "native (off-heap) memory", NATIVE_LIMIT));
        }
        if (need.heapBytes() > heapBytes) {
            return Optional.of(problem(need, MemoryEstimate.Part::heapBytes, need.heapBytes(), heapBytes, "Java heap", "-Xmx"));
        }
        return Optional.empty();
    }

    private static Problem problem(MemoryEstimate need, ToLongFunction<MemoryEstimate.Part> kind, long total, long available,
                                   String what, String limit) {
        MemoryEstimate.Part biggest = need.biggest(kind);
        return new Problem(biggest.key(), "the run needs about " + bytes(total) + " of " + what + ", "
                + bytes(kind.applyAsLong(biggest)) + " of it for this key, but " + bytes(available) + " is available ("
                + limit + "); reduce " + biggest.key());
    }

    /** 1.5 GiB, 976.6 KiB: binary units, as -Xmx counts them. */
    static String bytes(long n) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
