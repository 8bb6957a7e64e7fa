package io.distill4j.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.distill4j.config.ModelSpec;
import io.distill4j.model.ModelZip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How one exported model was made, carried inside its zip as {@link #ENTRY} so the file says so wherever it is copied:
 * which model of the run it is, what it learned from, after how many steps, and the whole run's {@link Provenance}.
 */
public record ModelProvenance(int schemaVersion, String model, String role, String family, String learnsFrom, long params,
                              long steps, Provenance run) {
    public static final int SCHEMA_VERSION = 1;
    /** The zip entry; DL4J's ModelSerializer does not read it. */
    public static final String ENTRY = "distill4j-provenance.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** {@code learnsFrom}: the publisher's name, or null for labels alone. */
    public static ModelProvenance of(String model, String role, String family, String learnsFrom, long params, long steps,
                                     Provenance run) {
        return new ModelProvenance(SCHEMA_VERSION, model, role, family, learnsFrom == null ? ModelSpec.LABELS : learnsFrom,
                params, steps, run);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the provenance of " + model, e);
        }
    }

    /** The provenance inside a model zip; empty for a zip without it (not exported by distill4j, or by an older version). */
    public static Optional<ModelProvenance> read(Path zip) {
        Optional<byte[]> entry;
        try {
            entry = ModelZip.entry(zip, ENTRY);
        } catch (io.distill4j.model.ModelFileException e) {
            throw new ReportException(e.getMessage());
        }
        if (entry.isEmpty()) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(entry.get(), ModelProvenance.class));
        } catch (IOException e) {
            throw new ReportException(zip + ": " + ENTRY + " is not a readable model provenance (" + e.getMessage() + ")");
        }
    }
}
