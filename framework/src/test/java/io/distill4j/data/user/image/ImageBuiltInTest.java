package io.distill4j.data.user.image;

import io.distill4j.data.IdxReader;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.user.RawExample;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in datasets' preprocessing: a PNG of an MNIST digit becomes exactly the row IdxReader makes of it. */
class ImageBuiltInTest {
    @TempDir
    Path tmp;

    @Test
    void aPngReadsAsTheSameFloatsAsTheIdxFile() throws IOException {
        byte[] pixels = new byte[28 * 28];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 7 % 256);   // every byte value appears
        Path png = Images.grey(tmp.resolve("digit.png"), 28, 28, (x, y) -> pixels[y * 28 + x] & 0xff, "png");
        ByteBuffer images = ByteBuffer.allocate(16 + pixels.length).putInt(IdxReader.IMAGES_MAGIC).putInt(1).putInt(28).putInt(28).put(pixels);
        ByteBuffer labels = ByteBuffer.allocate(9).putInt(IdxReader.LABELS_MAGIC).putInt(1).put((byte) 3);
        Path idxImages = Files.write(tmp.resolve("images.idx"), images.array());
        Path idxLabels = Files.write(tmp.resolve("labels.idx"), labels.array());
        LabeledSplit split = IdxReader.read(idxImages, idxLabels, 10, 0);
        float[] idx = split.features().toFloatVector();

        List<String> digits = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        ImagePreprocessor mnist = ImagePreprocessor.mnist(digits);
        assertThat(mnist.shape()).isEqualTo(InputShape.image(28, 28, 1));
        float[] row = mnist.row(png);
        assertThat(Arrays.equals(row, idx)).as("bitwise equal to IdxReader's row").isTrue();
        for (int i = 0; i < row.length; i++) assertThat(row[i]).isEqualTo((pixels[i] & 0xff) / 255f);

        // and so does the copy an export carries
        Preprocessor restored = Preprocessors.read(mnist.entries(), "student.zip").orElseThrow();
        List<RawExample> read = new ArrayList<>();
        restored.read(png, read::add);
        assertThat(Arrays.equals(read.get(0).features(), idx)).isTrue();
        assertThat(restored.classes()).isEqualTo(digits);
    }

    @Test
    void aColourPngIsReadAsGreyForAGreyStudent() {
        Path png = Images.rgb(tmp.resolve("c.png"), 28, 28, (x, y) -> 0x808080, "png");
        float[] row = ImagePreprocessor.mnist(List.of("a", "b")).row(png);
        assertThat(row).hasSize(784).containsOnly(128 / 255f);
    }
}
