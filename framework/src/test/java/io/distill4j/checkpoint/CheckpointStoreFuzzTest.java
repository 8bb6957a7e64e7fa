package io.distill4j.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import io.distill4j.signal.TemporalEnsemble;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes reading a checkpoint back ({@link CheckpointStore#verify}, {@link CheckpointStore#loadNewestValid}: its
 * {@code manifest.json} and {@code state.json}) and the teacher's signal memory in it ({@link TemporalEnsemble#read}, of
 * a run of 4 examples and 3 classes, as resume reads it). Contract: a checkpoint or a {@link CheckpointException}; the
 * memory restored or an {@link IOException}. Input: {@code manifest.json}, {@code state.json},
 * {@code signal-memory-teacher.bin}, split at {@link #SEPARATOR}; in the manifest, {@code $STATE}, {@code $CONFIG} and
 * {@code $MEMORY} stand for the files' true SHA-256 (so that the fuzzer gets past the hashes).
 */
class CheckpointStoreFuzzTest {
    static final byte[] SEPARATOR = "\n--8<--\n".getBytes(StandardCharsets.US_ASCII);
    static final String MEMORY = "signal-memory-teacher.bin";
    private static final FuzzContract FUZZ = new FuzzContract("checkpoint", false);
    private static Path run;

    @FuzzTest(maxDuration = "60s")
    void loadCheckpoint(byte[] input) throws Throwable {
        if (input.length > FuzzContract.MAX_INPUT) return;
        if (run == null) run = Files.createTempDirectory("fuzz-checkpoint");
        CheckpointStore store = new CheckpointStore(run);
        Path dir = store.root().resolve(CheckpointStore.name(12));
        clear(store.root());
        Files.createDirectories(dir);
        byte[][] parts = FuzzContract.split(input, 3, SEPARATOR);
        Files.writeString(dir.resolve(CheckpointStore.CONFIG), "name: fuzz\nrecipe: online\n");
        Files.write(dir.resolve(CheckpointStore.STATE), parts[1]);
        if (parts[2].length > 0) Files.write(dir.resolve(MEMORY), parts[2]);
        String manifest = new String(parts[0], StandardCharsets.UTF_8)
                .replace("$STATE", CheckpointStore.hash(dir.resolve(CheckpointStore.STATE)))
                .replace("$CONFIG", CheckpointStore.hash(dir.resolve(CheckpointStore.CONFIG)))
                .replace("$MEMORY", parts[2].length > 0 ? CheckpointStore.hash(dir.resolve(MEMORY)) : "none");
        Files.writeString(dir.resolve(CheckpointStore.MANIFEST), manifest);
        FUZZ.run(input, () -> {
            store.verify(dir);
            CheckpointStore.Loaded loaded = store.loadNewestValid(null, skipped -> { });
            if (loaded.state() == null) throw new AssertionError("a checkpoint without a state");
            if (loaded.has(MEMORY)) {
                try (InputStream in = loaded.open(MEMORY)) {
                    new TemporalEnsemble(4, 3, 0.5).read(in);
                }
            }
        }, CheckpointException.class, IOException.class);
    }

    private static void clear(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
