package io.distill4j.data.user.image;

import io.distill4j.data.DataException;
import io.distill4j.data.user.UserDataSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.distill4j.data.user.image.ImageFolderFormatTest.plan;
import static io.distill4j.data.user.image.ImageFolderFormatTest.spec;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every way an image folder can be wrong is one line naming the file and what was expected. */
class ImageErrorsTest {
    @TempDir
    Path tmp;

    private Path train;

    private void refuses(UserDataSpec s, String... parts) {
        assertThatThrownBy(() -> new ImageFolderFormat().prepare(s, plan(s), new Images.Sink()))
                .isInstanceOf(DataException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("\n").contains(parts));
    }

    private UserDataSpec sized(Integer channels) {
        return spec(train, null, 0, 0, 4, 4, channels);
    }

    private void twoClasses() {
        train = tmp.resolve("train");
        Images.flat(train.resolve("a/1.png"), 4, 1);
        Images.flat(train.resolve("b/1.png"), 4, 2);
    }

    @Test
    void aMissingFolder() {
        train = tmp.resolve("nowhere");
        refuses(sized(1), train.toString(), "expected a folder of class folders");
    }

    @Test
    void anEmptyFolder() throws IOException {
        train = Files.createDirectories(tmp.resolve("train"));
        refuses(sized(1), train.toString(), "holds no class folders");
    }

    @Test
    void imagesWithoutClassFolders() {
        train = tmp.resolve("train");
        Images.flat(train.resolve("1.png"), 4, 1);
        refuses(sized(1), train.resolve("1.png").toString(), "expected only class folders");
    }

    @Test
    void aClassFolderWithNoImages() throws IOException {
        twoClasses();
        Files.createDirectories(train.resolve("c"));
        Files.writeString(train.resolve("c/.keep"), "");
        refuses(sized(1), train.resolve("c").toString(), "holds no images");
    }

    @Test
    void aFileThatIsNoImage() throws IOException {
        twoClasses();
        Files.writeString(train.resolve("a/notes.txt"), "hello");
        refuses(sized(1), train.resolve("a/notes.txt").toString(), "not an image file", ".png");
    }

    @Test
    void aFolderInsideAClassFolder() throws IOException {
        twoClasses();
        Files.createDirectories(train.resolve("a/more"));
        refuses(sized(1), train.resolve("a/more").toString(), "expected image files");
    }

    @Test
    void anImageThatIsNotOne() throws IOException {
        twoClasses();
        Files.write(train.resolve("a/2.png"), "this is not a PNG at all".getBytes());
        refuses(sized(1), train.resolve("a/2.png").toString(), "not a readable image");
    }

    /** Read whole (32) and subsampled (4: PNG and JPEG are read every 4th pixel), a cut-off file is noticed. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"png,4", "jpeg,4", "bmp,4", "gif,4", "png,32", "jpeg,32", "bmp,32", "gif,32"})
    void aTruncatedImage(String format, int target) throws IOException {
        twoClasses();
        Path f = Images.rgb(train.resolve("a/2." + format), 32, 32, (x, y) -> (x * 8) << 16 | (y * 8) << 8 | ((x ^ y) * 8), format);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length / 2));
        refuses(spec(train, null, 0, 0, target, target, 3), f.toString(), "expected a complete");
    }

    @Test
    void imagesOfDifferentSizesWithoutATargetSize() {
        twoClasses();
        Images.flat(train.resolve("b/2.png"), 5, 2);
        refuses(spec(train, null, 0, 0, null, null, 1), train.resolve("b/2.png").toString(), "5x5", "data.height and data.width");
    }

    @Test
    void onlyOneOfHeightAndWidth() {
        twoClasses();
        refuses(spec(train, null, 0, 0, 4, null, 1), "set both");
    }

    @Test
    void aTestClassUnknownToTraining() {
        twoClasses();
        Path test = tmp.resolve("test");
        Images.flat(test.resolve("a/1.png"), 4, 1);
        Images.flat(test.resolve("zebra/1.png"), 4, 1);
        refuses(spec(train, test, 0, 0, 4, 4, 1), test.resolve("zebra").toString(), "'zebra'", "[a, b]");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 4})
    void channelsOtherThanOneOrThree(int channels) {
        twoClasses();
        refuses(sized(channels), "data.channels is " + channels, "expected 1 (grey) or 3 (RGB)");
    }

    @Test
    void ofSeveralBadImagesTheFirstInFileOrderIsNamed() throws IOException {
        twoClasses();
        for (int i = 0; i < 40; i++) Images.flat(train.resolve(String.format("a/%02d.png", i)), 4, i);
        for (int i : new int[]{37, 12, 25}) Files.writeString(train.resolve(String.format("a/%02d.png", i)), "broken");
        for (int run = 0; run < 3; run++) refuses(sized(1), train.resolve("a/12.png").toString());
    }

    /** A BMP header declaring {@code width x height} 24-bit pixels, and no pixel data. */
    private static byte[] bmpHeader(int width, int height) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(54).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int data = ((24 * width + 31) / 32) * 4 * height;   // what the header says follows, though nothing does
        b.put((byte) 'B').put((byte) 'M').putInt(54 + data).putInt(0).putInt(54);
        b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0).putInt(data).putInt(2835)
                .putInt(2835).putInt(0).putInt(0);
        return b.array();
    }

    @Test
    void aBmpTooLargeToReadWholeIsRefusedBeforeDecoding() throws IOException {
        twoClasses();
        // 4097 x 4097 is just past 2^24 pixels: read whole, a few at a time, such images would not fit the heap
        Files.write(train.resolve("a/huge.bmp"), bmpHeader(4097, 4097));
        refuses(sized(1), train.resolve("a/huge.bmp").toString(), "4097x4097", "(2^24) a BMP image may have here");
    }

    @Test
    void aBmpJustWithinTheBoundIsNotRefusedForItsSize() throws IOException {
        twoClasses();
        // 4096 x 4096 = 2^24 passes the bound; with no pixel data it then fails as the truncated file it is
        Files.write(train.resolve("a/big.bmp"), bmpHeader(4096, 4096));
        assertThatThrownBy(() -> new ImageFolderFormat().prepare(sized(1), plan(sized(1)), new Images.Sink()))
                .isInstanceOf(DataException.class).hasMessageNotContaining("(2^24)");
    }
}
