package io.distill4j.model;

import io.distill4j.runtime.Sha256;
import io.distill4j.runtime.StorageException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A deployable model zip: the engine's own model zip plus entries of ours (provenance, a text model's vocabulary), which
 * the engine's restore never looks at (it reads its entries by name), so the zip still loads with nothing but the engine.
 * A zip with entries of ours ends with {@link EntryChecksums}: the SHA-256 of every entry, the engine's included.
 */
public final class ModelZip {
    private ModelZip() {
    }

    /**
     * Writes the entries of {@code modelZip} (a zip the engine wrote, which it finished itself), then {@code extras}
     * (entry name → bytes), then, if there are extras, the checksums of them all, into one zip on {@code out}; {@code out}
     * is left open. Without extras the zip is the engine's alone (the report's measure of a model's size).
     */
    public static void write(byte[] modelZip, Map<String, byte[]> extras, OutputStream out) throws IOException {
        Writer zip = new Writer(out);
        Set<String> own = new HashSet<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(modelZip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                own.add(e.getName());
                zip.put(e.getName(), in.readAllBytes(), e.getTime());
            }
        }
        for (Map.Entry<String, byte[]> e : extras.entrySet()) {
            if (own.contains(e.getKey())) throw new IllegalArgumentException(e.getKey() + " is an entry of the engine's own model format");
        }
        for (Map.Entry<String, byte[]> e : extras.entrySet()) zip.put(e.getKey(), e.getValue(), -1);
        zip.finish(!extras.isEmpty());
    }

    /** Writes entries and records each one's SHA-256 for {@link EntryChecksums}. */
    public static final class Writer {
        private final ZipOutputStream zip;
        private final Map<String, String> sums = new LinkedHashMap<>();

        public Writer(OutputStream out) {
            this.zip = new ZipOutputStream(out);
        }

        /** {@code time}: the entry's modification time, or -1 for now. */
        public void put(String name, byte[] bytes, long time) throws IOException {
            if (EntryChecksums.ENTRY.equals(name)) throw new IllegalArgumentException(name + " is written by the export itself");
            ZipEntry e = new ZipEntry(name);
            if (time >= 0) e.setTime(time);
            zip.putNextEntry(e);
            zip.write(bytes);
            zip.closeEntry();
            sums.put(name, Sha256.hex(bytes));
        }

        /** Ends the zip, with the checksum entry last when {@code checksums}; the stream under it stays open. */
        public void finish(boolean checksums) throws IOException {
            if (checksums) {
                zip.putNextEntry(new ZipEntry(EntryChecksums.ENTRY));
                zip.write(EntryChecksums.write(sums));
                zip.closeEntry();
            }
            zip.finish();
        }
    }

    /**
     * The bytes of entry {@code name} of a model zip (at most {@link ZipReader#SMALL_ENTRY}), or empty if it has none (e.g.
     * a zip the engine wrote alone). Checked against the zip's checksums when it carries them.
     */
    public static Optional<byte[]> entry(Path zip, String name) throws ModelFileException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry(name);
            if (e == null) return Optional.empty();
            byte[] bytes = bounded(z, e, zip);
            ZipEntry sums = z.getEntry(EntryChecksums.ENTRY);
            if (sums != null) {
                EntryChecksums.verify(EntryChecksums.read(bounded(z, sums, zip), zip.toString()), zip.toString(), name, Sha256.hex(bytes));
            }
            return Optional.of(bytes);
        } catch (java.util.zip.ZipException e) {
            throw new ModelFileException(zip.toString(), null, "not a readable zip (" + e.getMessage() + ")");
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw StorageException.of("read", zip, e);
        }
    }

    /** An entry's bytes, refused past {@link ZipReader#SMALL_ENTRY} (a zip bomb, or not a model zip). */
    public static byte[] bounded(ZipFile z, ZipEntry e, Path zip) throws IOException {
        try (InputStream in = z.getInputStream(e)) {
            byte[] bytes = in.readNBytes((int) ZipReader.SMALL_ENTRY + 1);
            if (bytes.length > ZipReader.SMALL_ENTRY) {
                throw new ModelFileException(zip.toString(), e.getName(), "holds more than " + ZipReader.SMALL_ENTRY + " bytes (a zip bomb, or not a model zip)");
            }
            return bytes;
        }
    }
}
