package io.distill4j;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The contract every parser fuzz target checks ({@code *FuzzTest}, run by Jazzer): an input either parses or fails with
 * one of the parser's documented exception types; anything else (NullPointerException, an index out of bounds,
 * OutOfMemoryError, StackOverflowError, ...) is a finding. A finding is rethrown so that Jazzer keeps the input (as
 * {@code crash-<sha1>} in the target's inputs folder) and, while fuzzing, summarised in {@code target/fuzz/<name>.findings};
 * {@link #writeStats} leaves the executions and seconds of a fuzzing run in {@code target/fuzz/<name>.stats} for
 * {@code scripts/fuzz}.
 */
public final class FuzzContract {
    /** Inputs beyond this are skipped: one execution must stay fast (every parser here reads files of any size alike). */
    public static final int MAX_INPUT = 1 << 16;
    /** True when this JVM fuzzes (JAZZER_FUZZ=1) rather than replays the committed inputs. */
    public static final boolean FUZZING = isTrue(System.getenv("JAZZER_FUZZ")) || isTrue(System.getProperty("JAZZER_FUZZ"));
    private static final Path OUT = Path.of("target", "fuzz");
    /** -Dfuzz.print=true: print each refusal (the replay of a target, to read its messages). */
    private static final boolean PRINT = Boolean.getBoolean("fuzz.print");

    /** A parse of one input. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private final String name;
    private final boolean keepCurrent;
    private final java.util.Set<String> signatures = new java.util.HashSet<>();
    private long executions;
    private long started;

    /**
     * @param name        the target's name in scripts/fuzz's report
     * @param keepCurrent write each input to {@code target/fuzz/<name>.current} before running it: a target that reaches
     *                    native code (ND4J) could take the JVM down, and then only that file names the input
     */
    public FuzzContract(String name, boolean keepCurrent) {
        this.name = name;
        this.keepCurrent = keepCurrent && FUZZING;
    }

    /** Runs {@code body} on one input; {@code allowed}: the parser's documented exception types. */
    @SafeVarargs
    public final void run(byte[] input, Body body, Class<? extends Throwable>... allowed) throws Throwable {
        if (started == 0) started = System.nanoTime();
        executions++;
        if (keepCurrent) write(name + ".current", input, false);
        try {
            body.run();
        } catch (Throwable t) {
            for (Class<? extends Throwable> a : allowed) {
                if (a.isInstance(t)) {
                    if (t.getMessage() == null || t.getMessage().isBlank()) {
                        AssertionError silent = new AssertionError("a " + t.getClass().getName() + " without a message: the user learns nothing", t);
                        silent.setStackTrace(t.getStackTrace());   // summarised where the exception came from
                        if (FUZZING) record(input, silent);
                        throw silent;
                    }
                    if (PRINT) System.out.println("fuzz " + name + " " + sha1(input) + ": " + t);
                    return;
                }
            }
            if (FUZZING) record(input, t);
            throw t;
        }
    }

    /**
     * For a target that goes on after an allowed refusal (a second step on the same input): the refusal must say
     * something, as {@link #run} requires of the exception that ends a body.
     */
    public static void requireMessage(Throwable t) {
        if (t.getMessage() == null || t.getMessage().isBlank()) {
            AssertionError silent = new AssertionError("a " + t.getClass().getName() + " without a message: the user learns nothing", t);
            silent.setStackTrace(t.getStackTrace());
            throw silent;
        }
    }

    /** The executions and seconds of this JVM's run (fuzzing only); call from {@code @AfterAll}. */
    public void writeStats() {
        if (!FUZZING) return;
        double seconds = started == 0 ? 0 : (System.nanoTime() - started) / 1e9;
        write(name + ".stats", String.format("executions=%d%nseconds=%.1f%n", executions, seconds).getBytes(StandardCharsets.UTF_8), false);
        try {
            Files.deleteIfExists(OUT.resolve(name + ".current"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void record(byte[] input, Throwable t) {
        // one line per kind of finding: the exception's type and the first frame of ours (the input keeps the rest)
        String signature = t.getClass().getName() + " at " + Arrays.stream(t.getStackTrace())
                .filter(f -> f.getClassName().startsWith("io.distill4j.") && !f.getClassName().endsWith("FuzzTest")
                        && !f.getClassName().startsWith("io.distill4j.FuzzContract"))
                .findFirst().map(String::valueOf).orElse("?");
        if (!signatures.add(signature)) return;
        StringWriter s = new StringWriter();
        s.append("crash-").append(sha1(input)).append(": ").append(String.valueOf(t)).append('\n');
        StackTraceElement[] frames = t.getStackTrace();
        for (StackTraceElement f : Arrays.copyOf(frames, Math.min(frames.length, 8))) s.append("    at ").append(String.valueOf(f)).append('\n');
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            s.append("  caused by ").append(String.valueOf(c)).append('\n');
        }
        write(name + ".findings", s.toString().getBytes(StandardCharsets.UTF_8), true);
    }

    /** libFuzzer's name for an input: its SHA-1 in hex. */
    public static String sha1(byte[] input) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(input));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(String file, byte[] bytes, boolean append) {
        try {
            Files.createDirectories(OUT);
            Files.write(OUT.resolve(file), bytes, append ? List.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND).toArray(new StandardOpenOption[0])
                    : new StandardOpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Splits an input into {@code n} parts at each {@code separator} (the last part takes the rest; missing parts are
     * empty): several files from one input, each readable in a seed.
     */
    /** A zip of {@code parts} under {@code names} (an empty part: no entry), so a target's fuzzer mutates entries, not CRCs. */
    public static byte[] zip(byte[][] parts, java.util.List<String> names) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].length == 0) continue;
                zip.putNextEntry(new java.util.zip.ZipEntry(names.get(i)));
                zip.write(parts[i]);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    public static byte[][] split(byte[] input, int n, byte[] separator) {
        byte[][] parts = new byte[n][];
        int from = 0;
        for (int i = 0; i < n; i++) {
            int at = i == n - 1 ? -1 : indexOf(input, separator, from);
            int end = at < 0 ? input.length : at;
            parts[i] = Arrays.copyOfRange(input, Math.min(from, input.length), Math.max(Math.min(from, input.length), end));
            from = at < 0 ? input.length : at + separator.length;
        }
        return parts;
    }

    private static int indexOf(byte[] a, byte[] s, int from) {
        outer:
        for (int i = from; i <= a.length - s.length; i++) {
            for (int j = 0; j < s.length; j++) if (a[i + j] != s[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }
}
