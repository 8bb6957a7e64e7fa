package io.distill4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import static io.distill4j.data.IdxFixtures.images;
import static io.distill4j.data.IdxFixtures.labels;
import static io.distill4j.data.IdxFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetLoaderTest {
    @TempDir
    Path dir;

    private void writeDataset(DatasetInfo info, Path root) throws IOException {
        Files.createDirectories(root);
        write(root, info.trainImages(), images(4, 28, 28));
        write(root, info.trainLabels(), labels(1, 2, 3, 4));
        write(root, info.testImages(), images(2, 28, 28));
        write(root, info.testLabels(), labels(5, 6));
    }

    private static String sha256(Path f) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    @Test
    void registryKnowsMnistFashionMnistAndImdb() {
        assertThat(DatasetRegistry.names()).containsExactly("fashion-mnist", "imdb", "mnist");
        assertThat(DatasetRegistry.textNames()).containsExactly("imdb");
        DatasetInfo mnist = DatasetRegistry.get("mnist");
        assertThat(mnist).isEqualTo(new DatasetInfo("mnist", "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 10, 28, 28, 1, 60_000, 10_000));
        DatasetInfo fashion = DatasetRegistry.get("fashion-mnist");
        assertThat(fashion.files()).containsExactly("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        assertThat(fashion.pixels()).isEqualTo(784);
        assertThatThrownBy(() -> DatasetRegistry.get("cifar10")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cifar10").hasMessageContaining("mnist");
        assertThatThrownBy(() -> DatasetRegistry.names().remove("mnist")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> DatasetRegistry.textNames().remove("imdb")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aTextDatasetIsOneFileOfRowsWhoseLengthTheConfigChooses() {
        DatasetInfo imdb = DatasetRegistry.get("imdb");
        assertThat(imdb.kind()).isEqualTo(DatasetInfo.Kind.TEXT);
        assertThat(imdb.files()).containsExactly("reviews.json");
        assertThat(imdb.textFile()).isEqualTo("reviews.json");
        assertThat(imdb.numClasses()).isEqualTo(2);
        assertThat(imdb.trainExamples()).isEqualTo(25_000);
        assertThat(imdb.testExamples()).isEqualTo(25_000);
        assertThat(imdb.sequenceLength()).as("left to data.maxLength").isZero();
        DatasetInfo sized = imdb.withSequenceLength(256);
        assertThat(sized.sequenceLength()).isEqualTo(256);
        assertThat(sized.pixels()).as("features per example").isEqualTo(256);
        assertThat(List.of(sized.height(), sized.width(), sized.channels())).containsExactly(1, 256, 1);
        assertThatThrownBy(imdb::trainImages).isInstanceOf(IllegalStateException.class).hasMessage("imdb is a text dataset, not image");
        assertThatThrownBy(() -> DatasetRegistry.get("mnist").sequenceLength()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DatasetRegistry.get("mnist").withSequenceLength(5)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> imdb.withSequenceLength(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DatasetRegistry.get("mnist").isText()).isFalse();
        assertThat(DatasetRegistry.get("mnist").kind()).isEqualTo(DatasetInfo.Kind.IMAGE);
    }

    @Test
    void anImageDatasetLoadsThroughTheConfigsDataSectionAsThroughItsKeys() throws Exception {
        DatasetInfo info = DatasetRegistry.get("mnist");
        writeDataset(info, dir);
        LoadedDataset viaSpec = DatasetLoader.load(new DataRequest("mnist", dir.toString(), 3, 1, 1, null, null));
        LoadedDataset viaKeys = DatasetLoader.load("mnist", dir, 3, 1, 1);
        assertThat(viaSpec.train().labels()).containsExactly(viaKeys.train().labels());
        assertThat(viaSpec.validation().labels()).containsExactly(viaKeys.validation().labels());
        assertThat(viaSpec.test().features()).isEqualTo(viaKeys.test().features());
        assertThat(viaSpec.vocabulary()).as("images have none").isNull();
    }

    @Test
    void loadsBothSplitsWithLimitsAndChecksums() throws Exception {
        for (String name : List.of("mnist", "fashion-mnist")) {
            DatasetInfo info = DatasetRegistry.get(name);
            Path root = dir.resolve(name);
            writeDataset(info, root);
            LoadedDataset d = DatasetLoader.load(name, root, 0, 0, 0);
            assertThat(d.info()).isEqualTo(info);
            assertThat(d.train().size()).isEqualTo(4);
            assertThat(d.train().features().shape()).containsExactly(4, 784);
            assertThat(d.train().labels()).containsExactly(1, 2, 3, 4);
            assertThat(d.test().labels()).containsExactly(5, 6);
            assertThat(d.sha256().keySet()).as("sorted by file name")
                    .containsExactly("t10k-images-idx3-ubyte" + (name.equals("mnist") ? "" : ".gz"),
                            "t10k-labels-idx1-ubyte" + (name.equals("mnist") ? "" : ".gz"),
                            "train-images-idx3-ubyte" + (name.equals("mnist") ? "" : ".gz"),
                            "train-labels-idx1-ubyte" + (name.equals("mnist") ? "" : ".gz"));
            for (String f : info.files()) assertThat(d.sha256()).containsEntry(f, sha256(root.resolve(f)));

            LoadedDataset limited = DatasetLoader.load(name, root, 3, 1, 0);
            assertThat(limited.train().size()).isEqualTo(3);
            assertThat(limited.test().labels()).containsExactly(5);
        }
    }

    @Test
    void theLastTrainingExamplesAreHeldOutForValidation() throws Exception {
        DatasetInfo info = DatasetRegistry.get("mnist");
        writeDataset(info, dir);
        LoadedDataset d = DatasetLoader.load("mnist", dir, 0, 0, 1);
        assertThat(d.train().labels()).containsExactly(1, 2, 3);
        assertThat(d.validation().labels()).containsExactly(4);
        assertThat(d.validation().features().toFloatVector())
                .containsExactly(DatasetLoader.load("mnist", dir, 0, 0, 0).train().features().getRow(3).toFloatVector());
        assertThat(d.test().labels()).containsExactly(5, 6);
        // with a limit, the held-out examples are the last of the kept ones
        LoadedDataset limited = DatasetLoader.load("mnist", dir, 3, 0, 2);
        assertThat(limited.train().labels()).containsExactly(1);
        assertThat(limited.validation().labels()).containsExactly(2, 3);
        assertThat(DatasetLoader.load("mnist", dir, 0, 0, 0).validation().size()).isZero();
        assertThatThrownBy(() -> DatasetLoader.load("mnist", dir, 0, 0, 4)).isInstanceOf(DataException.class)
                .hasMessage(dir.resolve(info.trainImages()) + ": data.validation 4 must be in [0, 4) for its 4 training examples");
    }

    @Test
    void missingFolderSaysHowToFetch() {
        Path nowhere = dir.resolve("nowhere");
        assertThatThrownBy(() -> DatasetLoader.load("mnist", nowhere, 0, 0, 0)).isInstanceOf(DataException.class)
                .hasMessage("mnist data not found in " + nowhere
                        + " (missing train-images-idx3-ubyte); fetch it with: scripts/fetch-data mnist");
    }

    @Test
    void missingFileIsNamedAndSaysHowToFetch() throws IOException {
        DatasetInfo info = DatasetRegistry.get("fashion-mnist");
        Path root = dir.resolve("fashion-mnist");
        writeDataset(info, root);
        Files.delete(root.resolve(info.testLabels()));
        assertThatThrownBy(() -> DatasetLoader.load("fashion-mnist", root, 0, 0, 0)).isInstanceOf(DataException.class)
                .hasMessage("fashion-mnist data not found in " + root
                        + " (missing t10k-labels-idx1-ubyte.gz); fetch it with: scripts/fetch-data fashion-mnist");
    }

    @Test
    void imagesOfTheWrongShapeAreRejected() throws IOException {
        DatasetInfo info = DatasetRegistry.get("mnist");
        writeDataset(info, dir);
        write(dir, info.testImages(), images(2, 32, 32));
        assertThatThrownBy(() -> DatasetLoader.load("mnist", dir, 0, 0, 0)).isInstanceOf(DataException.class)
                .hasMessage(dir.resolve(info.testImages()) + ": images of 1024 pixels; expected 28x28x1 = 784 for mnist");
    }

    @Test
    void malformedFileInsideTheDatasetIsNamed() throws IOException {
        DatasetInfo info = DatasetRegistry.get("mnist");
        writeDataset(info, dir);
        write(dir, info.trainLabels(), labels(1, 2, 3, 10));
        assertThatThrownBy(() -> DatasetLoader.load("mnist", dir, 0, 0, 0)).isInstanceOf(DataException.class)
                .hasMessage(dir.resolve(info.trainLabels()) + ": label 10 at index 3 is out of range; expected 0..9");
    }

    @Test
    void unknownDatasetIsAnArgumentError() {
        assertThatThrownBy(() -> DatasetLoader.load("emnist", dir, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
