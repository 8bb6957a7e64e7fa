package io.distill4j.data.user.text;

import io.distill4j.data.text.Truncation;
import io.distill4j.data.user.UserDataSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small text datasets on disk and specs for them, for tests. */
final class TextFiles {
    private TextFiles() {
    }

    static Path write(Path file, String content) {
        return write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture WordPiece tokenizer (40 ids: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, then words). */
    static Path tokenizer(Path dir) {
        try (var in = TextFiles.class.getResourceAsStream("tokenizer.json")) {
            return write(dir.resolve("tokenizer.json"), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static UserDataSpec spec(String format, Path train, Path test, double testFraction, int validation, Path tokenizer,
                             int maxLength, Integer vocabSize, Truncation truncation, String malformedText) {
        return new UserDataSpec(format, train, test, testFraction, 7, validation, null, null, null, null, null, null, null,
                null, null, tokenizer, maxLength, vocabSize, truncation, malformedText);
    }

    /** Words only, a test source of its own, no validation. */
    static UserDataSpec spec(String format, Path train, Path test, int maxLength, int vocabSize) {
        return spec(format, train, test, 0, 0, null, maxLength, vocabSize, null, null);
    }
}
