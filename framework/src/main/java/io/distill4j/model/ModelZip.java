package io.distill4j.model;

import io.distill4j.runtime.StorageException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
 * A deployable model zip: DL4J's {@link ModelSerializer} format (without updater state) plus entries of our own, which
 * its restore never looks at (it reads its entries by name), so the zip still loads with nothing but DL4J.
 */
public final class ModelZip {
    private ModelZip() {
    }

    /** The zip as ModelSerializer alone writes it: the size a model costs to ship, whatever entries ride along. */
    public static byte[] bytes(MultiLayerNetwork net) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(net, out, false);
        } catch (IOException e) {
            throw new UncheckedIOException("in memory: cannot happen", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes ModelSerializer's entries, then {@code extras} (entry name → bytes). ModelSerializer finishes its own zip,
     * so its entries are copied into one that stays open for ours; {@code out} is left open.
     */
    public static void write(MultiLayerNetwork net, Map<String, byte[]> extras, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        Set<String> own = new HashSet<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes(net)))) {
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
            if (own.contains(e.getKey())) throw new IllegalArgumentException(e.getKey() + " is an entry of DL4J's own model format");
            zip.putNextEntry(new ZipEntry(e.getKey()));
            zip.write(e.getValue());
            zip.closeEntry();
        }
        zip.finish();
    }

    /** The bytes of entry {@code name} of a model zip, or empty if it has none (e.g. a zip DL4J wrote alone). */
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
