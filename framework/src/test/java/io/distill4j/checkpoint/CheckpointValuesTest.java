package io.distill4j.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.config.ModelSpec;
import io.distill4j.data.EpochCursor;
import io.distill4j.model.Head;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.TrainableModel;
import io.distill4j.signal.TemporalEnsemble;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import io.distill4j.listeners.StateFileCheck;
import io.distill4j.train.OnlineTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round 3, D11: checkpoint files that match their manifest (a hand edit with the hash recomputed, or a writer bug) but
 * hold values no run writes make the checkpoint unusable, and resume falls back to the previous one as for a failed hash.
 */
class CheckpointValuesTest {
    private static final int EXAMPLES = 64;
    private static final String MEMORY = OnlineTrainer.memoryFile("teacher");

    @TempDir
    Path run;

    private final List<String> skipped = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    private static TrainableModel net(long seed) {
        return new ModelFactory(3, InputShape.image(2, 2, 1), 100, TrainingSteps.DL4J, Precision.FP32).build(
                new ModelSpec("m", "mlp", List.of(), List.of(), null, 0.0, ModelSpec.LABELS, null, null, null), Head.LABELS, 1, 0, seed);
    }

    /** Checkpoints at steps 4 and 12 of 8 steps an epoch, each with a teacher's signal memory. */
    private CheckpointStore twoCheckpoints() {
        CheckpointStore store = new CheckpointStore(run);
        for (long step : new long[]{4, 12}) {
            TrainerState state = new TrainerState(step, 24, new EpochCursor.State(EXAMPLES, 8, 1, (int) step / 8, (int) step % 8), 1, "h", 1.5);
            store.write(Map.of("teacher", net(step)), Map.of(MEMORY, new TemporalEnsemble(EXAMPLES, 3, 0.5).toBytes()), state, "name: x\n", 5);
        }
        return store;
    }

    private Path newest() {
        return run.resolve("checkpoints/step-00000012");
    }

    /** Replaces a file of a checkpoint and its SHA-256 in the manifest: the file matches its manifest again. */
    private void rewrite(Path checkpoint, String file, byte[] bytes) throws IOException {
        Files.write(checkpoint.resolve(file), bytes);
        ObjectNode manifest = (ObjectNode) json.readTree(checkpoint.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.get("sha256")).put(file, CheckpointStore.hash(checkpoint.resolve(file)));
        json.writeValue(checkpoint.resolve("manifest.json").toFile(), manifest);
    }

    private void editState(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode state = (ObjectNode) json.readTree(newest().resolve("state.json").toFile());
        edit.accept(state);
        rewrite(newest(), "state.json", json.writeValueAsBytes(state));
    }

    private CheckpointStore.Loaded load(CheckpointStore store) {
        return store.loadNewestValid(null, c -> java.util.Set.of(), StateFileCheck::firstProblem, skipped::add);
    }

    private void fallsBackWith(String problem) {
        CheckpointStore.Loaded loaded = load(new CheckpointStore(run));
        assertThat(loaded.state().step()).isEqualTo(4);
        assertThat(skipped).containsExactly("checkpoint step-00000012 is not usable: " + problem);
    }

    @Test
    void aValidCheckpointIsUsed() {
        assertThat(load(twoCheckpoints()).state().step()).isEqualTo(12);
        assertThat(skipped).isEmpty();
    }

    @Test
    void aCursorOutOfRangeFallsBackInsteadOfAnInternalError() throws IOException {
        twoCheckpoints();
        editState(s -> ((ObjectNode) s.get("cursor")).put("position", 99999));
        fallsBackWith("state.json: cursor: epoch 1, position 99999, expected epoch >= 0 and position in 0..8 (batches per epoch of 64 examples)");
    }

    @Test
    void aNegativeStepFallsBack() throws IOException {
        twoCheckpoints();
        editState(s -> s.put("step", -5));
        fallsBackWith("state.json: step is -5, expected >= 0");
    }

    @Test
    void aStepThatIsNotTheFoldersOrTheCursorsFallsBack() throws IOException {
        twoCheckpoints();
        editState(s -> s.put("step", 11));
        fallsBackWith("state.json: step 11 does not match the folder name step-00000012");
        skipped.clear();
        editState(s -> {
            s.put("step", 12);
            ((ObjectNode) s.get("cursor")).put("epoch", 0);
        });
        fallsBackWith("state.json: cursor (epoch 0, position 4) is at step 4, not step 12");
    }

    @Test
    void aBatchSizeOrTrainingTimeNoRunWritesFallsBack() throws IOException {
        twoCheckpoints();
        editState(s -> ((ObjectNode) s.get("cursor")).put("batchSize", 0));
        fallsBackWith("state.json: cursor: batchSize 0 of a dataset of 64 examples, expected 1..datasetSize");
        skipped.clear();
        editState(s -> {
            ((ObjectNode) s.get("cursor")).put("batchSize", 8);
            s.put("trainingSeconds", -1.0);
        });
        fallsBackWith("state.json: trainingSeconds is -1.0, expected a finite number >= 0");
    }

    /** A truncated memory said "cannot read the signal memory ... (null)" and did not fall back. */
    @Test
    void aTruncatedSignalMemoryFallsBack() throws IOException {
        twoCheckpoints();
        byte[] memory = Files.readAllBytes(newest().resolve(MEMORY));
        rewrite(newest(), MEMORY, Arrays.copyOf(memory, memory.length - 5));
        fallsBackWith(MEMORY + ": " + (memory.length - 5) + " bytes, expected " + memory.length + " for 64 examples of 3 classes");
    }

    @Test
    void aSignalMemoryOfAnotherDatasetOrWithBadValuesFallsBack() throws IOException {
        twoCheckpoints();
        rewrite(newest(), MEMORY, new TemporalEnsemble(EXAMPLES + 1, 3, 0.5).toBytes());
        fallsBackWith(MEMORY + ": holds 65 examples, the checkpoint's dataset has 64");
        skipped.clear();
        byte[] memory = new TemporalEnsemble(EXAMPLES, 3, 0.5).toBytes();
        memory[8] = 7;   // the first seen flag
        rewrite(newest(), MEMORY, memory);
        fallsBackWith(MEMORY + ": example 0's seen flag is 7, expected 0 or 1");
        skipped.clear();
        memory = new TemporalEnsemble(EXAMPLES, 3, 0.5).toBytes();
        java.nio.ByteBuffer.wrap(memory).putFloat(8 + EXAMPLES, Float.NaN);
        rewrite(newest(), MEMORY, memory);
        fallsBackWith(MEMORY + ": holds a value that is not finite (NaN or infinity)");
        skipped.clear();
        memory = new TemporalEnsemble(EXAMPLES, 3, 0.5).toBytes();
        java.nio.ByteBuffer.wrap(memory).putInt(4, Integer.MAX_VALUE);
        rewrite(newest(), MEMORY, memory);
        fallsBackWith(MEMORY + ": holds 2147483647 classes, expected 1..65536");
    }
}
