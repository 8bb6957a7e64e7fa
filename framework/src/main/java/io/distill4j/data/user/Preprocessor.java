package io.distill4j.data.user;

import io.distill4j.data.InputShape;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A fitted preprocessing: how raw inputs (CSV rows, image files, texts) become feature rows, with every statistic it
 * learnt from the training split. Training writes the cache with it, and it travels inside every exported student
 * ({@link #entries}), so that the zip alone classifies raw inputs exactly as the run evaluated its test split.
 */
public interface Preprocessor {
    /** Version of the entries' layout; readers refuse a newer one. */
    int FORMAT_VERSION = 1;

    /** The {@code preprocessing.json} entry every exported student carries. */
    String ENTRY = "preprocessing.json";

    /** {@code table}, {@code image} or {@code text}: which reader {@link Preprocessors#read} builds. */
    String kind();

    /** The class names, in class-index order. */
    List<String> classes();

    /** The shape of one feature row (for text, token ids below the vocabulary size). */
    InputShape shape();

    /**
     * The zip entries that describe this preprocessing: {@link #ENTRY} (JSON with {@code version}, {@code kind},
     * {@code classes} and the kind's own fields) and any file it needs (a tokenizer, a vocabulary).
     */
    Map<String, byte[]> entries();

    /**
     * Reads raw inputs from a file or folder laid out as the training data was (a CSV with the training columns, a
     * folder of images or class folders of images, a JSONL/CSV file or folders of texts) and hands each one's feature
     * row to {@code out}, in a fixed order (file order; folders sorted by name).
     *
     * @throws io.distill4j.data.DataException naming the file and line/record for input that does not fit
     */
    void read(Path input, Consumer<RawExample> out);
}
