package io.distill4j.data.user;

/**
 * One raw input read back by a {@link Preprocessor} for prediction: where it came from ({@code id}: a file name, or a
 * file and line), its feature row, and its true class name when the input carries one (a label column, a class
 * folder, a label field), else null.
 */
public record RawExample(String id, float[] features, String label) {
}
