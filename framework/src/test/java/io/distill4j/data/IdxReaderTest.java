package io.distill4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.distill4j.data.IdxFixtures.images;
import static io.distill4j.data.IdxFixtures.labels;
import static io.distill4j.data.IdxFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class IdxReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", ".gz"})
    void readsIdxPairScaledToUnitRange(String suffix) throws IOException {
        // 3 images of 2x3 pixels valued 0..17 in file order
        Path img = write(dir, "img" + suffix, images(3, 2, 3));
        Path lab = write(dir, "lab" + suffix, labels(2, 0, 9));
        LabeledSplit s = IdxReader.read(img, lab, 10, 0);
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.numClasses()).isEqualTo(10);
        assertThat(s.features().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(s.features().shape()).containsExactly(3, 6);
        assertThat(s.features().ordering()).isEqualTo('c');
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 6; j++) {
                assertThat(s.features().getFloat(i, j)).isCloseTo((i * 6 + j) / 255f, within(1e-7f));
            }
        }
        assertThat(s.labels()).containsExactly(2, 0, 9);
    }

    @Test
    void zeroImagesWhosePixelsOverflowAnIntAreRefused() throws IOException {
        // found by IdxReaderFuzzTest: 0 images bound no payload, and 65536 x 65536 pixels wrapped to 0 (here a negative
        // count reached Nd4j.create as a shape); the file is now refused as too large, as one of many images would be
        Path img = write(dir, "img", images(IdxReader.IMAGES_MAGIC, 0, 65536, 40000, 0));
        Path lab = write(dir, "lab", labels());
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(img + ": images of 65536 x 40000 pixels exceed one Java array; expected an MNIST-sized file");
    }

    @Test
    void pixelsAreUnsignedAndScaledByTwoFiftyFive() throws IOException {
        // 1 image of 16x16 = 256 pixels valued 0..255: bytes >= 128 must not come out negative
        Path img = write(dir, "img", images(1, 16, 16));
        Path lab = write(dir, "lab", labels(1));
        LabeledSplit s = IdxReader.read(img, lab, 2, 0);
        assertThat(s.features().getFloat(0, 0)).isEqualTo(0f);
        assertThat(s.features().getFloat(0, 128)).isCloseTo(128 / 255f, within(1e-7f));
        assertThat(s.features().getFloat(0, 255)).isEqualTo(1f);
        assertThat(s.features().minNumber().floatValue()).isEqualTo(0f);
        assertThat(s.features().maxNumber().floatValue()).isEqualTo(1f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".gz"})
    void limitKeepsTheFirstExamples(String suffix) throws IOException {
        Path img = write(dir, "img" + suffix, images(4, 2, 2));
        Path lab = write(dir, "lab" + suffix, labels(3, 1, 4, 1));
        LabeledSplit two = IdxReader.read(img, lab, 5, 2);
        assertThat(two.size()).isEqualTo(2);
        assertThat(two.features().shape()).containsExactly(2, 4);
        assertThat(two.labels()).containsExactly(3, 1);
        assertThat(two.features().getFloat(1, 3)).isCloseTo(7 / 255f, within(1e-7f));
        assertThat(IdxReader.read(img, lab, 5, 100).size()).as("limit above the count keeps all").isEqualTo(4);
    }

    @Test
    void wrongImageMagicNamesTheFileAndBothMagics() throws IOException {
        Path img = write(dir, "swapped", labels(1, 2));     // a label file where images are expected
        Path lab = write(dir, "lab", labels(1, 2));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(img + ": not an IDX image file (magic 0x00000801, expected 0x00000803)");
    }

    @Test
    void wrongLabelMagicNamesTheFile() throws IOException {
        Path img = write(dir, "img", images(2, 2, 2));
        Path lab = write(dir, "not-labels", images(2, 2, 2));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(lab + ": not an IDX label file (magic 0x00000803, expected 0x00000801)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".gz"})
    void truncatedImagesNameTheFileAndByteCounts(String suffix) throws IOException {
        Path img = write(dir, "short-img" + suffix, images(IdxReader.IMAGES_MAGIC, 3, 2, 2, 11)); // needs 12
        Path lab = write(dir, "lab", labels(1, 2, 3));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(img + ": truncated, expected 28")
                .hasMessageContaining("[3, 2, 2]")
                .hasMessageEndingWith("but found 27");
    }

    @Test
    void truncatedLabelsNameTheFileAndByteCounts() throws IOException {
        Path img = write(dir, "img", images(3, 2, 2));
        byte[] l = labels(1, 2, 3);
        Path lab = write(dir, "short-lab", Arrays.copyOf(l, l.length - 1));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(lab + ": truncated, expected 11 bytes for dimensions [3] but found 10");
    }

    @Test
    void truncatedHeaderIsReportedWithTheBytesFound() throws IOException {
        Path lab = write(dir, "lab", labels(1));
        Path tiny = write(dir, "tiny", new byte[]{0, 0, 8});
        assertThatThrownBy(() -> IdxReader.read(tiny, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(tiny + ": truncated, expected at least 16 bytes (IDX image header) but found 3");
        Path header = write(dir, "half-header", Arrays.copyOf(images(1, 1, 1), 10));
        assertThatThrownBy(() -> IdxReader.read(header, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(header + ": truncated, expected at least 16 bytes (IDX image header) but found 10");
    }

    @Test
    void gzipCutOffMidStreamIsTruncated() throws IOException {
        Path full = write(dir, "full.gz", images(50, 28, 28));
        byte[] gz = Files.readAllBytes(full);
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        Path lab = write(dir, "lab", labels(new int[50]));
        assertThatThrownBy(() -> IdxReader.read(cut, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(cut + ": truncated, expected 39216 uncompressed bytes");
    }

    @Test
    void labelOutOfRangeNamesFileIndexAndValue() throws IOException {
        Path img = write(dir, "img", images(3, 2, 2));
        Path lab = write(dir, "lab", labels(1, 12, 3));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(lab + ": label 12 at index 1 is out of range; expected 0..9");
    }

    @Test
    void labelsBeyondTheLimitAreCheckedToo() throws IOException {
        Path img = write(dir, "img", images(3, 2, 2));
        Path lab = write(dir, "lab", labels(1, 2, 200));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 1)).isInstanceOf(DataException.class)
                .hasMessage(lab + ": label 200 at index 2 is out of range; expected 0..9");
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path img = write(dir, "img", images(3, 2, 2));
        Path lab = write(dir, "lab", labels(1, 2));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(img + " holds 3 images but " + lab + " holds 2 labels; expected the same count");
    }

    @Test
    void corruptGzipIsADataError() throws IOException {
        Path img = dir.resolve("img.gz");
        Files.write(img, new byte[]{0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});   // gzip magic, then garbage
        Path raw = dir.resolve("raw-named.gz");
        Files.write(raw, images(1, 1, 1));                                  // not gzipped at all
        Path lab = write(dir, "lab", labels(1));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(img + ": ");
        assertThatThrownBy(() -> IdxReader.read(raw, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(raw + ": cannot be read as a gzipped IDX image file");
    }

    @Test
    void missingFileNamesIt() throws IOException {
        Path lab = write(dir, "lab", labels(1));
        Path img = dir.resolve("absent-images");
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(img + ": IDX image file not found");
    }

    @Test
    void absurdHeaderDimensionsAreRejectedWithoutAllocatingThem() throws IOException {
        Path img = write(dir, "huge", images(IdxReader.IMAGES_MAGIC, Integer.MAX_VALUE, 28, 28, 10));
        Path lab = write(dir, "lab", labels(1));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(img + ": IDX header dimensions");
        Path big = write(dir, "big", images(IdxReader.IMAGES_MAGIC, 1_000_000, 28, 28, 10));  // 784 MB promised
        assertThatThrownBy(() -> IdxReader.read(big, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(big + ": truncated, expected 784000016 bytes for dimensions [1000000, 28, 28] but found 26");
    }

    @Test
    void messagesAreOneLine() throws IOException {
        Path img = dir.resolve("img.gz");
        Files.write(img, new byte[]{0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Path lab = write(dir, "lab", labels(1));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .extracting(Throwable::getMessage).asString().doesNotContain("\n");
    }
}
