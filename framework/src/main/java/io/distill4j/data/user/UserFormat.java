package io.distill4j.data.user;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One layout of a user's files ({@code data.format}). Adding a format is one class registered in {@link UserFormats}.
 * A format reads labels into class indices (class names sorted, see {@link ClassNames}), lets the {@link SplitPlan}
 * place every example of the training source, fits its preprocessing on the {@link Part#TRAIN} examples only, and
 * writes every example's row through that same preprocessing (so prediction later computes the same floats).
 */
public interface UserFormat {
    /** The {@code data.format} value. */
    String name();

    /**
     * Reads {@code spec}'s sources and writes every example to {@code sink}.
     *
     * @return the fitted preprocessing, which reads raw inputs the same way
     * @throws io.distill4j.data.DataException for input that does not fit, naming the file and line/record/image
     */
    Preprocessor prepare(UserDataSpec spec, SplitPlan plan, FeatureSink sink) throws IOException;

    /** Says what a file or folder holds, for {@code distill4j new --data}; reads only what it needs to. */
    Inspection inspect(Path path) throws IOException;
}
