package io.distill4j.model;

import io.distill4j.runtime.Sha256;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads a model zip from a stream, entry by entry, never trusting what it declares: every entry is read through a
 * limit the caller sets per entry (counted on the bytes actually inflated, so a zip bomb is refused after {@code limit}
 * bytes, not read whole), the number of entries is bounded, and each entry's SHA-256 is taken on the way so that
 * {@link #finish} checks them against {@link EntryChecksums} when the zip carries it.
 */
public final class ZipReader {
    /** More entries than any model zip of ours or DL4J's has. */
    static final int MAX_ENTRIES = 64;
    /** Our JSON entries (provenance, checksums, a spec): a few KB each. */
    public static final long SMALL_ENTRY = 16L << 20;

    private final ZipInputStream zip;
    private final String source;
    private final Map<String, String> sums = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private byte[] checksums;
    private String current;
    private MessageDigest digest;
    private Bounded open;

    /** {@code source} names the file in every error ("model zip" for a stream of unknown origin). */
    public ZipReader(InputStream in, String source) {
        this.zip = new ZipInputStream(in);
        this.source = source;
    }

    public String source() {
        return source;
    }

    /** The next entry's name (the checksum entry is read here, never returned), or null at the end. */
    public String next() throws IOException {
        closeCurrent();
        while (true) {
            ZipEntry e;
            try {
                e = zip.getNextEntry();
            } catch (ZipException | EOFException ex) {
                throw new ModelFileException(source, null, "not a readable zip (" + (ex.getMessage() == null ? "truncated" : ex.getMessage()) + ")");
            }
            if (e == null) {
                if (names.isEmpty()) throw new ModelFileException(source, null, "not a zip file, or an empty one");
                return null;
            }
            String name = e.getName();
            if (!names.add(name)) throw new ModelFileException(source, name, "appears twice in the zip");
            if (names.size() > MAX_ENTRIES) throw new ModelFileException(source, null, "has more than " + MAX_ENTRIES + " entries; not a model zip");
            current = name;
            open = null;
            if (EntryChecksums.ENTRY.equals(name)) {
                checksums = readAll(1L << 20);
                continue;
            }
            digest = Sha256.digest();
            return name;
        }
    }

    /** The current entry as a stream of at most {@code limit} bytes; reading past it is a {@link ModelFileException}. */
    public InputStream open(long limit) {
        if (current == null) throw new IllegalStateException("no current entry");
        open = new Bounded(digest == null ? zip : new DigestInputStream(zip, digest), limit);
        return open;
    }

    /** The current entry whole, if it holds at most {@code limit} bytes. */
    public byte[] readAll(long limit) throws IOException {
        return open(limit).readAllBytes();
    }

    /** A problem with the current entry, as the exception to throw. */
    public ModelFileException problem(String text) {
        return new ModelFileException(source, current, text);
    }

    /**
     * What to report for {@code malformed}, a problem found in the current entry before the checksums (the last entry)
     * were read: if the zip carries checksums and this entry's differs, the entry was modified after export, which says
     * more than "malformed". The rest of the zip is read through the same limits to find out; if it cannot be, the
     * problem found first stands.
     */
    public ModelFileException preferModified(ModelFileException malformed) {
        if (malformed instanceof ModifiedEntryException || current == null || digest == null) return malformed;
        String failed = current;
        try {
            closeCurrent();
            while (next() != null) {
                // drained through closeCurrent, within the small-entry limit
            }
            closeCurrent();
            String want = checksums == null ? null : EntryChecksums.read(checksums, source).get(failed);
            if (want != null && !want.equalsIgnoreCase(sums.get(failed))) return new ModifiedEntryException(source, failed);
        } catch (IOException | RuntimeException ignored) {
            // the zip is no more readable past the problem: the problem found first stands
        }
        return malformed;
    }

    /** The end of the current entry: {@code limit} still applies to the bytes nobody read, which count for the checksum. */
    private void closeCurrent() throws IOException {
        if (current == null || digest == null) return;
        if (open == null) open(SMALL_ENTRY);
        open.transferTo(java.io.OutputStream.nullOutputStream());
        sums.put(current, Sha256.hex(digest));
        digest = null;
        open = null;
    }

    /**
     * After the last entry: when the zip carries checksums, every other entry must be listed and match, and every listed
     * one must be there. Returns whether the zip carried checksums.
     */
    public boolean finish() throws IOException {
        closeCurrent();
        if (checksums == null) return false;
        Map<String, String> recorded = EntryChecksums.read(checksums, source);
        for (Map.Entry<String, String> e : sums.entrySet()) EntryChecksums.verify(recorded, source, e.getKey(), e.getValue());
        for (String listed : recorded.keySet()) {
            if (!sums.containsKey(listed)) throw new ModelFileException(source, listed, "is missing (" + EntryChecksums.ENTRY + " lists it)");
        }
        return true;
    }

    /** Counts the bytes actually inflated, whatever the entry's header says. */
    private final class Bounded extends FilterInputStream {
        private final long limit;
        private long read;

        Bounded(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = super.read();
            } catch (ZipException | EOFException e) {
                throw problem("cannot be inflated (" + (e.getMessage() == null ? "truncated" : e.getMessage()) + ")");
            }
            if (b >= 0) count(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, (int) Math.min(len, limit - read + 1));
            } catch (ZipException | EOFException e) {
                throw problem("cannot be inflated (" + (e.getMessage() == null ? "truncated" : e.getMessage()) + ")");
            }
            if (n > 0) count(n);
            return n;
        }

        private void count(int n) throws ModelFileException {
            read += n;
            if (read > limit) {
                throw problem("holds more than " + limit + " bytes, more than a model of its declared size needs (a zip bomb, or not a model zip)");
            }
        }

        @Override
        public void close() {
            // the zip stays open for the next entry
        }
    }
}
