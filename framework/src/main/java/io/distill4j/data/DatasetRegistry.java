package io.distill4j.data;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** Datasets by the name configs use; their files are what {@code scripts/fetch-data <name>} puts in data/<name>. */
public final class DatasetRegistry {
    private static final SortedMap<String, DatasetInfo> BY_NAME = Collections.unmodifiableSortedMap(new TreeMap<>(Map.of(
            "mnist", new DatasetInfo("mnist", "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                    "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 10, 28, 28, 1, 60_000, 10_000),
            "fashion-mnist", new DatasetInfo("fashion-mnist", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10, 28, 28, 1, 60_000, 10_000)
                    // the label names of Zalando's fashion-mnist README, label 0 to 9
                    .withClassNames(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                            "Bag", "Ankle boot")),
            // the aclImdb reviews, negatives and positives, in the order of scripts/fetch-data imdb's reviews.json
            // label 0 is a negative review, 1 a positive one (ReviewsJson: "s" is 0 or 1)
            "imdb", DatasetInfo.text("imdb", "reviews.json", 2, 25_000, 25_000).withClassNames(List.of("negative", "positive")))));

    private DatasetRegistry() {
    }

    /** Known dataset names, sorted, unmodifiable. */
    public static Set<String> names() {
        return BY_NAME.keySet();
    }

    /** Names of the text datasets (their examples are token ids; data.maxLength and data.vocabSize apply), sorted. */
    public static Set<String> textNames() {
        return Collections.unmodifiableSortedSet(new java.util.TreeSet<>(
                BY_NAME.values().stream().filter(DatasetInfo::isText).map(DatasetInfo::name).toList()));
    }

    /** The dataset called {@code name}; IllegalArgumentException naming the known ones otherwise. */
    public static DatasetInfo get(String name) {
        DatasetInfo info = name == null ? null : BY_NAME.get(name);
        if (info == null) throw new IllegalArgumentException("unknown dataset '" + name + "', known: " + names());
        return info;
    }
}
