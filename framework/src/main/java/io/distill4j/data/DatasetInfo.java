package io.distill4j.data;

import java.util.List;

/** A known dataset: its file names inside the dataset folder and the shape of its examples. */
public record DatasetInfo(String name, String trainImages, String trainLabels, String testImages, String testLabels,
                          int numClasses, int height, int width, int channels) {
    /** The four file names: train images, train labels, test images, test labels. */
    public List<String> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }

    /** Features per example: height * width * channels. */
    public int pixels() {
        return height * width * channels;
    }
}
