package io.distill4j.model;

import io.distill4j.runtime.StorageException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashSet;
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
 */
public final class ModelZip {
    private ModelZip() {
    }

    /**
     * Writes the entries of {@code modelZip} (a zip the engine wrote, which it finished itself), then {@code extras}
     * (entry name → bytes), into one zip on {@code out}; {@code out} is left open.
     */
    public static void write(byte[] modelZip, Map<String, byte[]> extras, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        Set<String> own = new HashSet<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(modelZip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                own.add(e.getName());
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                zip.putNextEntry(copy);
                in.transferTo(zip);
                zip.closeEntry();
            }
        }
        for (Map.Entry<String, byte[]> e : extras.entrySet()) {
            if (own.contains(e.getKey())) throw new IllegalArgumentException(e.getKey() + " is an entry of the engine's own model format");
            zip.putNextEntry(new ZipEntry(e.getKey()));
            zip.write(e.getValue());
            zip.closeEntry();
        }
        zip.finish();
    }

    /** The bytes of entry {@code name} of a model zip, or empty if it has none (e.g. a zip the engine wrote alone). */
    public static Optional<byte[]> entry(Path zip, String name) {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry(name);
            if (e == null) return Optional.empty();
            try (InputStream in = z.getInputStream(e)) {
                return Optional.of(in.readAllBytes());
            }
        } catch (IOException e) {
            throw StorageException.of("read", zip, e);
        }
    }
}
