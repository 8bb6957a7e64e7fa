package io.distill4j.data;


import io.distill4j.runtime.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.TreeMap;

/** Loads a registered dataset from its folder, checking that every file is there before reading any. */
public final class DatasetLoader {
    private DatasetLoader() {
    }

    /**
     * Loads what a config's data section asks for: {@code data.dataset} from {@code data.root}, with its limits and
     * validation examples, and for a text dataset {@code data.maxLength} ids per example and a vocabulary of
     * {@code data.vocabSize} ids (see {@link TextDatasetLoader} for the split, the shuffle and the vocabulary).
     *
     * @throws DataException when the folder or a file is missing (the message says how to fetch it), or malformed
     * @throws IllegalArgumentException for an unknown dataset name, or a text dataset without its two keys (the config's
     *                                  validation fills them in)
     */
    public static LoadedDataset load(DataRequest data) {
        if (data.user() != null) return io.distill4j.data.user.UserDatasets.load(data.user(), data.trainLimit(), data.testLimit());
        DatasetInfo info = DatasetRegistry.get(data.dataset());
        Path root = Path.of(data.root());
        if (!info.isText()) {
            LoadedDataset images = load(data.dataset(), root, data.trainLimit(), data.testLimit(), data.validation());
            // pixel / 255, as the IDX files are read: its students classify PNG or JPEG files of the same size
            return withPreprocessor(images, io.distill4j.data.user.image.ImagePreprocessor.builtIn(info.classNames(), info.height(),
                    info.width(), info.channels()));
        }
        if (data.maxLength() == null || data.vocabSize() == null) {
            throw new IllegalArgumentException(info.name() + " is a text dataset: data.maxLength and data.vocabSize are required");
        }
        requireFiles(info, root);
        io.distill4j.data.text.Truncation cut = data.truncation() == null ? io.distill4j.data.text.Truncation.HEAD : data.truncation();
        LoadedDataset text = TextDatasetLoader.load(info, root, data.trainLimit(), data.testLimit(), data.validation(), data.maxLength(),
                data.vocabSize(), cut);
        // its students read raw text with the run's vocabulary, as a user dataset's do
        return withPreprocessor(text, io.distill4j.data.user.text.TextPreprocessor.builtIn(text.vocabulary(), data.maxLength(), cut,
                text.info().classNames()));
    }

    private static LoadedDataset withPreprocessor(LoadedDataset d, io.distill4j.data.user.Preprocessor p) {
        return new LoadedDataset(d.info(), d.train(), d.validation(), d.test(), d.sha256(), d.vocabulary(), p);
    }

    /**
     * What {@link #load(DataRequest)} will deliver, without loading it: a built-in dataset's registry entry (a text
     * dataset's with its length and vocabulary), or a user dataset's description from its cache (made first if needed:
     * the one parse of the user's files, which later runs reuse).
     */
    public static DatasetInfo describe(DataRequest data) {
        if (data.user() != null) return io.distill4j.data.user.UserDatasets.describe(data.user()).info();
        DatasetInfo registered = DatasetRegistry.get(data.dataset());
        return registered.isText() && data.maxLength() != null && data.vocabSize() != null
                ? registered.withText(data.maxLength(), data.vocabSize()) : registered;
    }

    /**
     * Loads the image dataset {@code dataset} from {@code root}, the folder that directly holds its four files (e.g. data/mnist).
     * A limit of 0 keeps the whole split, otherwise its first {@code limit} examples. The last {@code validation}
     * of the kept training examples are held out as the validation split.
     *
     * @throws DataException when the folder or a file is missing (the message says how to fetch it), when a file is
     *                       malformed, or when the images are not of the registered shape
     * @throws IllegalArgumentException for an unknown dataset name, or a text dataset (load it with {@link #load(DataRequest)},
     *                                  so that its data.maxLength and data.vocabSize apply)
     */
    public static LoadedDataset load(String dataset, Path root, int trainLimit, int testLimit, int validation) {
        DatasetInfo info = DatasetRegistry.get(dataset);
        if (info.isText()) {
            throw new IllegalArgumentException(dataset + " is a text dataset: load it with load(DataRequest) so that data.maxLength "
                    + "and data.vocabSize apply");
        }
        requireFiles(info, root);
        TreeMap<String, String> sha = new TreeMap<>();
        for (String f : info.files()) sha.put(f, sha256(root.resolve(f)));
        LabeledSplit train = split(info, root.resolve(info.trainImages()), root.resolve(info.trainLabels()), trainLimit);
        LabeledSplit test = split(info, root.resolve(info.testImages()), root.resolve(info.testLabels()), testLimit);
        if (validation < 0 || validation >= train.size()) {
            throw new DataException(root.resolve(info.trainImages()) + ": data.validation " + validation + " must be in [0, "
                    + train.size() + ") for its " + train.size() + " training examples");
        }
        int kept = train.size() - validation;
        return new LoadedDataset(info, train.slice(0, kept), train.slice(kept, train.size()), test,
                Collections.unmodifiableSortedMap(sha));
    }

    private static void requireFiles(DatasetInfo info, Path root) {
        for (String f : info.files()) {
            if (!Files.isRegularFile(root.resolve(f))) {
                throw new DataException(info.name() + " data not found in " + root + " (missing " + f
                        + "); fetch it with: scripts/fetch-data " + info.name());
            }
        }
    }

    private static LabeledSplit split(DatasetInfo info, Path images, Path labels, int limit) {
        LabeledSplit s = IdxReader.read(images, labels, info.numClasses(), limit);
        if (s.width() != info.pixels()) {
            throw new DataException(images + ": images of " + s.width() + " pixels; expected "
                    + info.height() + "x" + info.width() + "x" + info.channels() + " = " + info.pixels() + " for " + info.name());
        }
        return s;
    }

    /** Lower-case hex SHA-256 of a file's bytes as stored on disk. */
    public static String sha256(Path file) {
        try {
            return Sha256.of(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }
}
