package io.distill4j.model;

/** The shape of one example as the data layer delivers it: a flattened {@code height x width x channels} image row. */
public record InputShape(int height, int width, int channels) {
    public static InputShape image(int height, int width, int channels) {
        return new InputShape(height, width, channels);
    }

    /** Features per example. */
    public int features() {
        return height * width * channels;
    }
}
