package io.distill4j.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Tampering with real exports: a zip's entries by name, and a zip rebuilt from them (checksums kept or recomputed). */
public final class ZipFixtures {
    private ZipFixtures() {
    }

    public static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) out.put(e.getName(), in.readAllBytes());
        }
        return out;
    }

    /** The entries as a zip, in order, written as they are (an attacker who leaves the checksums alone). */
    public static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The entries as a zip with checksums recomputed over them (an attacker who knows the format). */
    public static byte[] zipWithChecksums(Map<String, byte[]> entries) throws IOException {
        Map<String, byte[]> plain = new LinkedHashMap<>(entries);
        plain.remove(EntryChecksums.ENTRY);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelZip.Writer out = new ModelZip.Writer(bytes);
        for (Map.Entry<String, byte[]> e : plain.entrySet()) out.put(e.getKey(), e.getValue(), -1);
        out.finish(true);
        return bytes.toByteArray();
    }

    /** The entries without the checksum entry: a zip as exported before checksums existed. */
    public static byte[] zipWithoutChecksums(Map<String, byte[]> entries) throws IOException {
        Map<String, byte[]> plain = new LinkedHashMap<>(entries);
        plain.remove(EntryChecksums.ENTRY);
        return zip(plain);
    }
}
