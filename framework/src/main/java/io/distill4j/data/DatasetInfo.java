package io.distill4j.data;

import java.util.List;

/**
 * A known dataset: its file names inside the dataset folder, the shape of its examples and how many each split holds
 * (the config's memory estimate needs them before any file is read).
 */
public record DatasetInfo(String name, String trainImages, String trainLabels, String testImages, String testLabels,
                          int numClasses, int height, int width, int channels, int trainExamples, int testExamples) {
    /** The four file names: train images, train labels, test images, test labels. */
    public List<String> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }

    /** Features per example: height * width * channels. */
    public int pixels() {
        return height * width * channels;
    }
}
