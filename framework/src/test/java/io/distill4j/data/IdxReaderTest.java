package io.distill4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class IdxReaderTest {
    @TempDir
    Path dir;

    static byte[] images(int magic, int n, int rows, int cols, int payloadBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < payloadBytes; i++) out.writeByte(i % 256);
        return bytes.toByteArray();
    }

    static byte[] labels(int magic, int... values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(values.length);
        for (int v : values) out.writeByte(v);
        return bytes.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        if (name.endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
                out.write(content);
            }
        } else {
            Files.write(f, content);
        }
        return f;
    }

    @Test
    void readsRawAndGzippedIdxScaledToUnitRange() throws IOException {
        for (String suffix : new String[]{"", ".gz"}) {
            Path img = file("img" + suffix, images(0x803, 3, 2, 2, 12));
            Path lab = file("lab" + suffix, labels(0x801, 2, 0, 9));
            LabeledSplit s = IdxReader.read(img, lab, 10, 0);
            assertThat(s.size()).isEqualTo(3);
            assertThat(s.features().shape()).containsExactly(3, 4);
            assertThat(s.features().getFloat(1, 3)).isCloseTo(7 / 255f, within(1e-7f));
            assertThat(s.labels()).containsExactly(2, 0, 9);
        }
        LabeledSplit limited = IdxReader.read(dir.resolve("img"), dir.resolve("lab"), 10, 2);
        assertThat(limited.size()).isEqualTo(2);
        assertThat(limited.features().rows()).isEqualTo(2);
    }

    @Test
    void wrongMagicNamesTheFile() throws IOException {
        Path img = file("swapped", labels(0x801, 1, 2));
        Path lab = file("lab", labels(0x801, 1, 2));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(img + ": not an IDX image file (magic 0x00000801, expected 0x00000803)");
    }

    @Test
    void truncatedFilesNameTheFileAndTheByteCounts() throws IOException {
        Path img = file("short-img", images(0x803, 3, 2, 2, 11));
        Path lab = file("lab", labels(0x801, 1, 2, 3));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessageContaining("short-img: truncated, expected 28 bytes").hasMessageContaining("found 27");
        Path okImg = file("img", images(0x803, 3, 2, 2, 12));
        byte[] l = labels(0x801, 1, 2, 3);
        Path shortLab = file("short-lab", Arrays.copyOf(l, l.length - 1));
        assertThatThrownBy(() -> IdxReader.read(okImg, shortLab, 10, 0)).hasMessageContaining("short-lab: truncated");
        Path header = file("header-only", new byte[]{0, 0, 8});
        assertThatThrownBy(() -> IdxReader.read(header, lab, 10, 0)).hasMessageContaining("header-only: truncated, 3 bytes");
    }

    @Test
    void labelOutOfRangeNamesFileIndexAndValue() throws IOException {
        Path img = file("img", images(0x803, 3, 2, 2, 12));
        Path lab = file("lab", labels(0x801, 1, 12, 3));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessage(lab + ": label 12 at index 1 is out of range; expected 0..9");
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path img = file("img", images(0x803, 3, 2, 2, 12));
        Path lab = file("lab", labels(0x801, 1, 2));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessageContaining("img holds 3 images").hasMessageContaining("lab holds 2 labels");
    }

    @Test
    void corruptGzipIsADataError() throws IOException {
        Path img = file("img.gz", new byte[]{0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Path lab = file("lab", labels(0x801, 1));
        assertThatThrownBy(() -> IdxReader.read(img, lab, 10, 0)).isInstanceOf(DataException.class)
                .hasMessageContaining("img.gz: cannot be read as a gzipped IDX image file");
    }

    @Test
    void missingDataSaysHowToFetchIt() {
        assertThatThrownBy(() -> DatasetLoader.load("mnist", dir.resolve("nowhere"), 0, 0)).isInstanceOf(DataException.class)
                .hasMessage("mnist data not found in " + dir.resolve("nowhere")
                        + " (missing train-images-idx3-ubyte); fetch it with: scripts/fetch-data mnist");
    }

    @Test
    void loaderRecordsChecksumsOfEveryFile() throws IOException {
        DatasetInfo info = DatasetRegistry.get("mnist");
        file(info.trainImages(), images(0x803, 4, 28, 28, 4 * 784));
        file(info.trainLabels(), labels(0x801, 1, 2, 3, 4));
        file(info.testImages(), images(0x803, 2, 28, 28, 2 * 784));
        file(info.testLabels(), labels(0x801, 5, 6));
        LoadedDataset d = DatasetLoader.load("mnist", dir, 0, 0);
        assertThat(d.train().size()).isEqualTo(4);
        assertThat(d.test().labels()).containsExactly(5, 6);
        assertThat(d.sha256()).hasSize(4).allSatisfy((k, v) -> assertThat(v).hasSize(64));
    }
}
