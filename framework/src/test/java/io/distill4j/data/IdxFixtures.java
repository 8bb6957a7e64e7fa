package io.distill4j.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Tiny synthetic IDX files for the data tests. */
final class IdxFixtures {
    private IdxFixtures() {
    }

    /** An IDX image file: header for n x rows x cols, then {@code payloadBytes} pixels valued {@code i % 256}. */
    static byte[] images(int magic, int n, int rows, int cols, int payloadBytes) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(magic);
            out.writeInt(n);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int i = 0; i < payloadBytes; i++) out.writeByte(i % 256);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A complete, valid IDX image file. */
    static byte[] images(int n, int rows, int cols) {
        return images(IdxReader.IMAGES_MAGIC, n, rows, cols, n * rows * cols);
    }

    /** An IDX label file holding {@code values}. */
    static byte[] labelsWithMagic(int magic, int... values) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(magic);
            out.writeInt(values.length);
            for (int v : values) out.writeByte(v);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] labels(int... values) {
        return labelsWithMagic(IdxReader.LABELS_MAGIC, values);
    }

    /** Writes {@code content} to {@code dir/name}, gzip-compressed when the name ends in .gz. */
    static Path write(Path dir, String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        if (name.endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
                out.write(content);
            }
        } else {
            Files.write(f, content);
        }
        return f;
    }
}
