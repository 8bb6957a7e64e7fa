package io.distill4j.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in lower-case hex, as every checksum of ours is written (config hash, data, checkpoints, model zips). */
public final class Sha256 {
    private Sha256() {
    }

    /** A fresh digest; every JVM has SHA-256, so its absence is a broken JVM, not a user's problem. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    public static String hex(byte[] bytes) {
        return format(digest().digest(bytes));
    }

    /** The hex of what {@code digest} has taken so far (and resets it). */
    public static String hex(MessageDigest digest) {
        return format(digest.digest());
    }

    /** A file's checksum, streamed. */
    public static String of(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return hex(md);
    }

    /**
     * A file's checksum, or a folder's: SHA-256 over the lines {@code "relpath\0sha256\n"} of every regular file under
     * it, sorted by relative path ('/'-separated), so the same tree gives the same checksum on every machine.
     */
    public static String ofTree(Path path) throws IOException {
        if (!Files.isDirectory(path)) return of(path);
        java.util.TreeMap<String, Path> files = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> s = Files.walk(path)) {
            s.filter(Files::isRegularFile).forEach(f -> files.put(relative(path, f), f));
        }
        MessageDigest md = digest();
        for (var e : files.entrySet()) {
            md.update((e.getKey() + "\0" + of(e.getValue()) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return hex(md);
    }

    /** {@code file}'s path below {@code root}, '/'-separated on every OS. */
    public static String relative(Path root, Path file) {
        StringBuilder b = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (b.length() > 0) b.append('/');
            b.append(part);
        }
        return b.toString();
    }

    private static String format(byte[] sum) {
        return HexFormat.of().formatHex(sum);
    }
}
