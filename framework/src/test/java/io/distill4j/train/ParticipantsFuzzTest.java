package io.distill4j.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import io.distill4j.config.ModelSpec;
import io.distill4j.model.Head;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.ModelZip;
import io.distill4j.model.TrainableModel;
import io.distill4j.runtime.StorageException;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes what {@code init:} does with a DL4J model zip ({@link Participants#initialise}: DL4J's restore, then the
 * architecture check and the parameters set into a built MLP) and {@link ModelZip#entry} on the same file. Contract:
 * the model starts from the weights, or an {@link InitialWeightsException} ({@link StorageException} from
 * {@code ModelZip.entry}, or the {@link IOException} ({@code ModelFileException}) a malformed or modified zip is). Input: first byte bit 0 set, the rest is the zip as is; otherwise the rest is
 * {@code configuration.json}, {@code coefficients.bin}, {@code updaterState.bin}, {@code vocabulary.json}, split at
 * {@link #SEPARATOR} (an empty part: no entry), zipped here so that the fuzzer mutates the entries, not the CRCs.
 */
class ParticipantsFuzzTest {
    static final byte[] SEPARATOR = "\n--8<--\n".getBytes(StandardCharsets.US_ASCII);
    static final List<String> ENTRIES = List.of("configuration.json", "coefficients.bin", "updaterState.bin", "vocabulary.json");
    private static final FuzzContract FUZZ = new FuzzContract("dl4j-model-zip", true);
    private static Path dir;
    /** Built before the first input's time limit runs (ND4J's start-up). */
    private static final TrainableModel MODEL = model();

    /** The model {@code init:} fills: an MLP of 2x2 images, 2 hidden units, 3 classes (as the seeds). */
    static TrainableModel model() {
        return new ModelFactory(3, InputShape.image(2, 2, 1), 10, TrainingSteps.FUSED, Precision.FP32)
                .build(spec(null), Head.DISTILL, 2, 0.5, 1);
    }

    static ModelSpec spec(String init) {
        return new ModelSpec("student", "mlp", List.of(2), List.of(), null, 0.0, "labels", null, null, null,
                null, null, null, null, null, null, null, null, null, init);
    }

    @FuzzTest(maxDuration = "60s")
    void initFromZip(byte[] input) throws Throwable {
        if (input.length < 1 || input.length > FuzzContract.MAX_INPUT) return;
        if (dir == null) dir = Files.createTempDirectory("fuzz-init");
        Path file = dir.resolve("init.zip");
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        byte[][] entries = FuzzContract.split(rest, ENTRIES.size(), SEPARATOR);
        Files.write(file, (input[0] & 1) != 0 ? rest : FuzzContract.zip(entries, ENTRIES));
        Participant p = new Participant("student", Role.STUDENT, spec(file.toString()), MODEL, "labels", false, "student", List.of());
        FUZZ.run(input, () -> {
            ModelZip.entry(file, "vocabulary.json");
            Participants.initialise(List.of(p));
        }, InitialWeightsException.class, StorageException.class, IOException.class);
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
