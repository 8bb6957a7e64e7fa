package io.distill4j.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.distill4j.model.ModelZip;
import io.distill4j.runtime.AtomicFiles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The layout of one run folder ({@code runs/<name>-<yyyyMMdd-HHmmss>/}). Files are written to a temporary
 * name and moved into place, so a reader never sees half a report.
 */
public final class RunDirectory {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /** Creates {@code runs/<name>-<timestamp>} (with a numeric suffix if that exists already), or the explicit folder. */
    public static RunDirectory create(Path runsFolder, String name, Path explicit) {
        Path dir = explicit;
        if (dir == null) {
            dir = unusedFolder(runsFolder, name);
        } else if (Files.exists(dir.resolve("config.yaml"))) {
            throw new IllegalArgumentException(dir + " already holds a run (config.yaml exists); choose another --run-dir");
        }
        try {
            Files.createDirectories(dir.resolve("logs"));
            Files.createDirectories(dir.resolve("students"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run folder " + dir, e);
        }
        return new RunDirectory(dir);
    }

    /** {@code <runsFolder>/<prefix>-<yyyyMMdd-HHmmss>}, with a numeric suffix if that exists already (not created). */
    public static Path unusedFolder(Path runsFolder, String prefix) {
        String base = prefix + "-" + LocalDateTime.now().format(STAMP);
        Path dir = runsFolder.resolve(base);
        for (int i = 2; Files.exists(dir); i++) dir = runsFolder.resolve(base + "-" + i);
        return dir;
    }

    public static RunDirectory open(Path dir) {
        return new RunDirectory(dir);
    }

    public Path root() {
        return root;
    }

    public Path configFile() {
        return root.resolve("config.yaml");
    }

    public Path provenanceFile() {
        return root.resolve("provenance.json");
    }

    public Path metricsFile() {
        return root.resolve("metrics.jsonl");
    }

    public Path reportFile() {
        return root.resolve("report.json");
    }

    public Path logFile() {
        return root.resolve("logs").resolve("run.log");
    }

    public Path studentFile(String name) {
        return root.resolve("students").resolve(name + ".zip");
    }

    public void writeText(Path file, String text) {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    public void writeJson(Path file, Object value) {
        try {
            write(file, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + file.getFileName(), e);
        }
    }

    /** Saves a network (without updater state: exports are for inference) atomically. */
    public void writeModel(Path file, MultiLayerNetwork net) {
        writeModel(file, net, Map.of());
    }

    /**
     * As {@link #writeModel(Path, MultiLayerNetwork)}, with further zip entries (name → bytes, e.g. the model's
     * provenance) that DL4J's restore ignores; the zip is whole or absent, entries included.
     */
    public void writeModel(Path file, MultiLayerNetwork net, Map<String, byte[]> entries) {
        AtomicFiles.write(file, out -> ModelZip.write(net, entries, out));
    }

    private static void write(Path file, byte[] bytes) {
        AtomicFiles.write(file, bytes);
    }
}
