package io.distill4j.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import org.junit.jupiter.api.AfterAll;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes {@link IdxReader#read}: an image file and a label file, raw or gzipped. Contract: a split, or a
 * {@link DataException}. Input: flags (bit 0 images gzipped, bit 1 labels gzipped), classes - 1, limit, then the image
 * file, {@link #SEPARATOR}, the label file.
 */
class IdxReaderFuzzTest {
    static final byte[] SEPARATOR = "\n--8<--\n".getBytes(StandardCharsets.US_ASCII);
    private static final FuzzContract FUZZ = new FuzzContract("idx", false);
    private static Path dir;

    static {
        org.nd4j.linalg.factory.Nd4j.create(1);   // ND4J's start-up, before the first input's time limit runs
    }

    @FuzzTest(maxDuration = "60s")
    void readIdx(byte[] input) throws Throwable {
        if (input.length < 3 || input.length > FuzzContract.MAX_INPUT) return;
        if (dir == null) dir = Files.createTempDirectory("fuzz-idx");
        byte[][] files = FuzzContract.split(java.util.Arrays.copyOfRange(input, 3, input.length), 2, SEPARATOR);
        Path images = dir.resolve((input[0] & 1) != 0 ? "images.idx.gz" : "images.idx");
        Path labels = dir.resolve((input[0] & 2) != 0 ? "labels.idx.gz" : "labels.idx");
        Files.write(images, files[0]);
        Files.write(labels, files[1]);
        int classes = 1 + (input[1] & 0xff);
        int limit = input[2] & 0xff;
        FUZZ.run(input, () -> {
            LabeledSplit split = IdxReader.read(images, labels, classes, limit);
            if (split.labels().length > split.features().rows()) throw new AssertionError("more labels than examples");
        }, DataException.class);
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
