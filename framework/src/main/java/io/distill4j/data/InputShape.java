package io.distill4j.data;

/**
 * The shape of one example as the data layer delivers it: a flattened {@code height x width x channels} image row, or
 * for text ({@code vocabulary > 0}) a row of {@code width} token ids below {@code vocabulary}.
 */
public record InputShape(int height, int width, int channels, int vocabulary) {
    public static InputShape image(int height, int width, int channels) {
        return new InputShape(height, width, channels, 0);
    }

    /** {@code length} token ids per example, each below {@code vocabulary}. */
    public static InputShape text(int length, int vocabulary) {
        return new InputShape(1, length, 1, vocabulary);
    }

    public boolean isText() {
        return vocabulary > 0;
    }

    /** Features per example. */
    public int features() {
        return height * width * channels;
    }
}
