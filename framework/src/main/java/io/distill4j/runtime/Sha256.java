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

    private static String format(byte[] sum) {
        return HexFormat.of().formatHex(sum);
    }
}
