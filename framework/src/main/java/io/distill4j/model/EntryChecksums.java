package io.distill4j.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The zip entry {@value #ENTRY}, written last into every exported model zip: the SHA-256 of every other entry, so that a
 * reader tells an edited or damaged file ({@link ModifiedEntryException}) from one that was never a model. It is a
 * separate entry rather than a field of the provenance so that it covers the provenance too. A zip without it (exported
 * before it existed) loads unverified.
 * <pre>{"format": "distill4j-entry-checksums", "version": 1, "sha256": {"entry name": "hex", ...}}</pre>
 */
public final class EntryChecksums {
    public static final String ENTRY = "distill4j-checksums.json";
    static final String FORMAT = "distill4j-entry-checksums";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EntryChecksums() {
    }

    /** The entry's bytes for {@code sums} (entry name → hex SHA-256), in the given order. */
    public static byte[] write(Map<String, String> sums) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ObjectNode sha = root.putObject("sha256");
        sums.forEach(sha::put);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);   // a tree of strings always serialises
        }
    }

    /** The recorded sums of a checksum entry; a malformed one is a {@link ModelFileException} naming it. */
    public static Map<String, String> read(byte[] bytes, String source) throws ModelFileException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new ModelFileException(source, ENTRY, "not valid JSON");
        }
        if (root == null || !FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION
                || !root.path("sha256").isObject()) {
            throw new ModelFileException(source, ENTRY, "expected {\"format\": \"" + FORMAT + "\", \"version\": " + VERSION
                    + ", \"sha256\": {entry: hex, ...}}");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("sha256").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) throw new ModelFileException(source, ENTRY, "the checksum of " + e.getKey() + " is not a hex string");
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /**
     * Checks entry {@code name}'s SHA-256 ({@code actual}, hex) against the {@code recorded} sums: an entry they do not
     * list was added after export (malformed), one whose sum differs was modified.
     */
    public static void verify(Map<String, String> recorded, String source, String name, String actual) throws ModelFileException {
        String want = recorded.get(name);
        if (want == null) throw new ModelFileException(source, name, "is not listed in " + ENTRY + " (added after export)");
        if (!want.equalsIgnoreCase(actual)) throw new ModifiedEntryException(source, name);
    }
}
