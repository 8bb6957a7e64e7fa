package io.distill4j.data;

import java.util.List;

/**
 * A known dataset: its kind, its file names inside the dataset folder, the shape of its examples and how many each
 * split holds (the config's memory estimate needs them before any file is read).
 *
 * <p>An {@link Kind#IMAGE} dataset has four IDX files (train images, train labels, test images, test labels) and
 * examples of {@code height x width x channels} pixels. A {@link Kind#TEXT} dataset has one file of labelled texts; its
 * examples are rows of {@link #sequenceLength()} token ids, stored as {@code height 1 x width sequenceLength x
 * channels 1} so that everything sized by {@link #pixels()} works for both kinds. The registry leaves a text dataset's
 * sequence length at 0: the config's {@code data.maxLength} chooses it ({@link #withSequenceLength}).
 *
 * <p>{@link #classNames()} names the classes in class-index order (label {@code k} is {@code classNames().get(k)}); the
 * report labels per-class figures and confusion matrices with them. Without names ({@code null}) they are "0".."k-1";
 * a dataset with names of its own gets them with {@link #withClassNames}.
 */
public record DatasetInfo(String name, Kind kind, List<String> files, int numClasses, int height, int width, int channels,
                          int trainExamples, int testExamples, int vocabulary, List<String> classNames) {
    /** What the examples are: IDX images, or texts encoded as token ids. */
    public enum Kind { IMAGE, TEXT }

    public DatasetInfo {
        files = List.copyOf(files);
        int expectedFiles = kind == Kind.IMAGE ? 4 : 1;
        // a user's dataset (no files here: its sources are recorded with the data) is described by its cache
        if (!files.isEmpty() && files.size() != expectedFiles) {
            throw new IllegalArgumentException(kind + " dataset " + name + " needs " + expectedFiles + " file(s), got " + files);
        }
        if (kind == Kind.TEXT && (height != 1 || channels != 1 || width < 0)) {
            throw new IllegalArgumentException("text dataset " + name + " is 1 x sequenceLength x 1, got " + height + "x" + width + "x" + channels);
        }
        classNames = classNames == null ? defaultClassNames(numClasses) : List.copyOf(classNames);
        if (classNames.size() != numClasses) {
            throw new IllegalArgumentException("dataset " + name + " has " + numClasses + " classes, got " + classNames.size() + " class names " + classNames);
        }
        if (classNames.stream().anyMatch(String::isEmpty)) {
            // the report names every class; an empty name would make a report.json its reader refuses
            throw new IllegalArgumentException("dataset " + name + " has a class without a name: " + classNames);
        }
        if (new java.util.HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("dataset " + name + " has a class name twice: " + classNames);
        }
    }

    /** An index-order dataset description without class names of its own (they default to "0".."k-1"). */
    public DatasetInfo(String name, Kind kind, List<String> files, int numClasses, int height, int width, int channels,
                       int trainExamples, int testExamples, int vocabulary) {
        this(name, kind, files, numClasses, height, width, channels, trainExamples, testExamples, vocabulary, null);
    }

    /** "0", "1", ..., "k-1": the names of classes known only by their index. */
    public static List<String> defaultClassNames(int numClasses) {
        return java.util.stream.IntStream.range(0, Math.max(0, numClasses)).mapToObj(Integer::toString).toList();
    }

    /** This dataset with its classes named {@code names}, in class-index order (as many as {@link #numClasses()}, distinct). */
    public DatasetInfo withClassNames(List<String> names) {
        return new DatasetInfo(name, kind, files, numClasses, height, width, channels, trainExamples, testExamples, vocabulary,
                java.util.Objects.requireNonNull(names, "class names"));
    }

    /** An image dataset of IDX files (the MNIST family). */
    public DatasetInfo(String name, String trainImages, String trainLabels, String testImages, String testLabels,
                       int numClasses, int height, int width, int channels, int trainExamples, int testExamples) {
        this(name, Kind.IMAGE, List.of(trainImages, trainLabels, testImages, testLabels), numClasses, height, width, channels,
                trainExamples, testExamples, 0);
    }

    /** A text dataset of one file; its sequence length is left to the config ({@link #withSequenceLength}). */
    public static DatasetInfo text(String name, String file, int numClasses, int trainExamples, int testExamples) {
        return new DatasetInfo(name, Kind.TEXT, List.of(file), numClasses, 1, 0, 1, trainExamples, testExamples, 0);
    }

    public boolean isText() {
        return kind == Kind.TEXT;
    }

    /** This text dataset with examples of {@code length} token ids. */
    public DatasetInfo withSequenceLength(int length) {
        requireKind(Kind.TEXT);
        if (length < 1) throw new IllegalArgumentException("sequence length must be >= 1, got " + length);
        return new DatasetInfo(name, kind, files, numClasses, 1, length, 1, trainExamples, testExamples, vocabulary, classNames);
    }

    /** This text dataset with examples of {@code length} token ids below {@code vocabulary} (the config's data.maxLength and data.vocabSize). */
    public DatasetInfo withText(int length, int vocabulary) {
        withSequenceLength(length);   // checks the kind and the length
        return new DatasetInfo(name, kind, files, numClasses, 1, length, 1, trainExamples, testExamples, vocabulary, classNames);
    }

    /** Token ids per example of a text dataset (0 until {@link #withSequenceLength} sets it). */
    public int sequenceLength() {
        requireKind(Kind.TEXT);
        return width;
    }

    /** The file of labelled texts of a text dataset. */
    public String textFile() {
        requireKind(Kind.TEXT);
        return files.get(0);
    }

    public String trainImages() {
        return imageFile(0);
    }

    public String trainLabels() {
        return imageFile(1);
    }

    public String testImages() {
        return imageFile(2);
    }

    public String testLabels() {
        return imageFile(3);
    }

    /** Features per example: height * width * channels (for text, the sequence length). */
    public int pixels() {
        return height * width * channels;
    }

    private String imageFile(int i) {
        requireKind(Kind.IMAGE);
        return files.get(i);
    }

    private void requireKind(Kind k) {
        if (kind != k) throw new IllegalStateException(name + " is a " + kind.name().toLowerCase() + " dataset, not " + k.name().toLowerCase());
    }
}
