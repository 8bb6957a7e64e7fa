package io.distill4j.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.config.ModelSpec;
import io.distill4j.data.EpochCursor;
import io.distill4j.model.Head;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.TrainableModel;
import io.distill4j.model.dl4j.Dl4jModel;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointStoreTest {
    @TempDir
    Path run;

    /** A 4-pixel, 3-class logistic regression (an mlp without hidden layers) whose initial weights come from {@code seed}. */
    private static TrainableModel net(long seed) {
        return new ModelFactory(3, InputShape.image(2, 2, 1), 100, TrainingSteps.DL4J, Precision.FP32).build(
                new ModelSpec("m", "mlp", List.of(), List.of(), null, 0.0, ModelSpec.LABELS, null, null, null), Head.LABELS, 1, 0, seed);
    }

    private static float[] params(TrainableModel m) {
        return ((Dl4jModel) m).network().params().dup().data().asFloat();
    }

    private static TrainerState state(long step) {
        return new TrainerState(step, 100, new EpochCursor.State(64, 8, 1, (int) step / 8, (int) step % 8), 1, "hash", step * 0.5);
    }

    private Path write(CheckpointStore store, long step, int keep) {
        Map<String, TrainableModel> models = new LinkedHashMap<>();
        models.put("teacher", net(step));
        models.put("s1", net(step + 100));
        return store.write(models, state(step), "name: x\n", keep);
    }

    private final List<String> skipped = new ArrayList<>();

    /** Drops {@code file}'s entry from a checkpoint's manifest, leaving the file itself where it is. */
    private static void unlist(Path checkpoint, String file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(checkpoint.resolve("manifest.json").toFile());
        assertThat(((ObjectNode) manifest.get("sha256")).remove(file)).as(file + " was listed").isNotNull();
        json.writeValue(checkpoint.resolve("manifest.json").toFile(), manifest);
    }

    @Test
    void writesACompleteVerifiedCheckpointAndPointsLatestAtIt() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        Path dir = write(store, 4, 3);
        assertThat(dir.getFileName().toString()).isEqualTo("step-00000004");
        assertThat(Files.readString(store.root().resolve("latest")).trim()).isEqualTo("step-00000004");
        assertThat(dir.resolve("manifest.json")).exists();
        assertThat(store.verify(dir)).isEmpty();
        CheckpointStore.Loaded loaded = store.loadNewestValid(null, skipped::add);
        assertThat(loaded.state()).isEqualTo(state(4));
        assertThat(loaded.models()).containsOnlyKeys("teacher", "s1");
        TrainableModel teacher = net(99);
        loaded.restore("teacher", teacher);
        assertThat(params(teacher)).containsExactly(params(net(4)));
        assertThat(skipped).isEmpty();
        try (var files = Files.list(store.root())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("latest", "step-00000004");
        }
    }

    @Test
    void corruptedFileInTheNewestFallsBackToThePrevious() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        write(store, 4, 3);
        Path newest = write(store, 8, 3);
        byte[] zip = Files.readAllBytes(newest.resolve("s1.zip"));
        zip[zip.length / 2] ^= 0x5a;
        Files.write(newest.resolve("s1.zip"), zip);
        CheckpointStore.Loaded loaded = store.loadNewestValid(null, skipped::add);
        assertThat(loaded.state().step()).isEqualTo(4);
        assertThat(skipped).containsExactly("checkpoint step-00000008 is not usable: s1.zip does not match its SHA-256 (corrupted)");
    }

    @Test
    void truncatedOrMissingManifestFallsBack() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        write(store, 4, 3);
        Path eight = write(store, 8, 3);
        Path twelve = write(store, 12, 3);
        byte[] manifest = Files.readAllBytes(twelve.resolve("manifest.json"));
        Files.write(twelve.resolve("manifest.json"), java.util.Arrays.copyOf(manifest, manifest.length / 2));
        Files.delete(eight.resolve("manifest.json"));
        assertThat(store.loadNewestValid(null, skipped::add).state().step()).isEqualTo(4);
        assertThat(skipped).containsExactly(
                "checkpoint step-00000012 is not usable: manifest.json is unreadable or truncated",
                "checkpoint step-00000008 is not usable: no manifest.json (incomplete)");
    }

    @Test
    void noValidCheckpointIsAnError() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        assertThatThrownBy(() -> store.loadNewestValid(null, skipped::add)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no checkpoint in");
        Path only = write(store, 4, 3);
        Files.delete(only.resolve("teacher.zip"));
        assertThatThrownBy(() -> store.loadNewestValid(null, skipped::add)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no valid checkpoint").hasMessageContaining("all 1 failed verification");
        assertThat(skipped).containsExactly("checkpoint step-00000004 is not usable: teacher.zip is missing");
    }

    @Test
    void fromStepPicksTheNewestAtOrBefore() {
        CheckpointStore store = new CheckpointStore(run);
        write(store, 4, 5);
        write(store, 8, 5);
        write(store, 12, 5);
        assertThat(store.loadNewestValid(10L, skipped::add).state().step()).isEqualTo(8);
        assertThat(store.loadNewestValid(4L, skipped::add).state().step()).isEqualTo(4);
        assertThatThrownBy(() -> store.loadNewestValid(3L, skipped::add)).hasMessageContaining("at or before step 3");
    }

    @Test
    void keepsOnlyTheNewestK() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        for (long s = 2; s <= 10; s += 2) write(store, s, 2);
        assertThat(store.list()).extracting(p -> p.getFileName().toString()).containsExactly("step-00000010", "step-00000008");
    }

    @Test
    void leftoverTemporaryFolderOfAKilledWriteIsIgnored() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        write(store, 4, 3);
        Files.createDirectories(store.root().resolve(".step-00000008.tmp"));
        Files.writeString(store.root().resolve(".step-00000008.tmp/teacher.zip"), "half");
        assertThat(store.loadNewestValid(null, skipped::add).state().step()).isEqualTo(4);
        assertThat(skipped).isEmpty();
        write(store, 8, 3);   // the same step written again replaces the leftover
        assertThat(store.loadNewestValid(null, skipped::add).state().step()).isEqualTo(8);
    }

    @Test
    void aFailedFirstCheckpointDoesNotClaimAPreviousOneIsIntact() {
        CheckpointStore store = new CheckpointStore(run);
        Map<String, TrainableModel> models = new LinkedHashMap<>();
        models.put("no/such/folder", net(2));
        assertThatThrownBy(() -> store.write(models, state(4), "name: x\n", 3)).isInstanceOf(CheckpointException.class)
                .hasMessageEndingWith("no earlier checkpoint exists, so the run cannot be resumed: start it again")
                .message().doesNotContain("intact");
    }

    @Test
    void failedWriteLeavesThePreviousCheckpointIntact() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        Path good = write(store, 4, 3);
        String manifestBefore = Files.readString(good.resolve("manifest.json"));
        Map<String, TrainableModel> models = new LinkedHashMap<>();
        models.put("teacher", net(1));
        models.put("no/such/folder", net(2));   // the write of this file fails half way through the checkpoint
        assertThatThrownBy(() -> store.write(models, state(8), "name: x\n", 3)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith("cannot write checkpoint step-00000008 in " + store.root())
                .hasMessageEndingWith("the previous checkpoint, step-00000004, is intact");
        assertThat(Files.readString(store.root().resolve("latest")).trim()).isEqualTo("step-00000004");
        assertThat(Files.readString(good.resolve("manifest.json"))).isEqualTo(manifestBefore);
        assertThat(store.verify(good)).isEmpty();
        assertThat(store.list()).hasSize(1);
        assertThat(store.root().resolve(".step-00000008.tmp")).doesNotExist();
    }

    @Test
    void aModelFileTheManifestDoesNotListFailsVerificationAndFallsBack() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        write(store, 4, 3);
        Path newest = write(store, 8, 3);
        unlist(newest, "s1.zip");
        assertThat(store.verify(newest)).contains("s1.zip is not listed in manifest.json");
        CheckpointStore.Loaded loaded = store.loadNewestValid(null, skipped::add);
        assertThat(loaded.state().step()).isEqualTo(4);
        assertThat(loaded.models()).containsOnlyKeys("teacher", "s1");
        assertThat(skipped).containsExactly("checkpoint step-00000008 is not usable: s1.zip is not listed in manifest.json");
    }

    @Test
    void anExtraStateFileTheManifestDoesNotListFailsVerification() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        Map<String, byte[]> memory = Map.of("signal-memory-teacher.bin", new byte[]{1, 2, 3});
        store.write(Map.of("teacher", net(4)), memory, state(4), "name: x\n", 3);
        Path newest = store.write(Map.of("teacher", net(8)), memory, state(8), "name: x\n", 3);
        unlist(newest, "signal-memory-teacher.bin");
        CheckpointStore.Loaded loaded = store.loadNewestValid(null, skipped::add);
        assertThat(loaded.state().step()).isEqualTo(4);
        assertThat(skipped).containsExactly("checkpoint step-00000008 is not usable: signal-memory-teacher.bin is not listed in manifest.json");
        try (var in = loaded.open("signal-memory-teacher.bin")) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aFileTheRunNeedsThatTheManifestDoesNotListFallsBack() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        write(store, 4, 3);
        Path newest = write(store, 8, 3);
        unlist(newest, "s1.zip");
        Files.delete(newest.resolve("s1.zip"));
        assertThat(store.verify(newest)).as("consistent in itself").isEmpty();
        List<String> configs = new ArrayList<>();
        CheckpointStore.Needs needs = config -> {
            configs.add(config.getParent().getFileName() + ": " + readString(config).strip());
            return Set.of(CheckpointStore.modelFile("teacher"), CheckpointStore.modelFile("s1"));
        };
        assertThat(store.loadNewestValid(null, needs, skipped::add).state().step()).isEqualTo(4);
        assertThat(skipped).containsExactly("checkpoint step-00000008 is not usable: manifest.json does not list s1.zip, which the run needs");
        assertThat(configs).as("the needs come from each checkpoint's own config").containsExactly("step-00000008: name: x",
                "step-00000004: name: x");
        Files.delete(store.root().resolve("step-00000004").resolve("manifest.json"));
        assertThatThrownBy(() -> store.loadNewestValid(null, needs, s -> { })).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no valid checkpoint");
    }

    @Test
    void aLoadedCheckpointOpensOnlyTheFilesItsManifestLists() {
        CheckpointStore store = new CheckpointStore(run);
        write(store, 4, 3);
        CheckpointStore.Loaded loaded = store.loadNewestValid(null, skipped::add);
        assertThat(loaded.has("s1.zip")).isTrue();
        assertThat(loaded.has("signal-memory-teacher.bin")).isFalse();
        assertThatThrownBy(() -> loaded.open("signal-memory-teacher.bin")).isInstanceOf(CheckpointException.class)
                .hasMessage("checkpoint step-00000004 does not list signal-memory-teacher.bin in its manifest.json");
    }

    private static String readString(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
