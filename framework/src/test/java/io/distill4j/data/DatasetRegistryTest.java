package io.distill4j.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The known datasets name their classes in class-index order; a dataset without names gets "0".."k-1". */
class DatasetRegistryTest {
    @Test
    void everyKnownDatasetNamesItsClassesInLabelOrder() {
        assertThat(DatasetRegistry.get("mnist").classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        // Zalando's fashion-mnist README: label 0 is T-shirt/top ... 9 Ankle boot
        assertThat(DatasetRegistry.get("fashion-mnist").classNames()).containsExactly("T-shirt/top", "Trouser", "Pullover", "Dress",
                "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
        // ReviewsJson: "s" 0 is a negative review, 1 a positive one
        assertThat(DatasetRegistry.get("imdb").classNames()).containsExactly("negative", "positive");
        for (String name : DatasetRegistry.names()) {
            DatasetInfo info = DatasetRegistry.get(name);
            assertThat(info.classNames()).as(name).hasSize(info.numClasses());
        }
    }

    @Test
    void classNamesSurviveTheTextSettings() {
        DatasetInfo imdb = DatasetRegistry.get("imdb").withText(64, 1000);
        assertThat(imdb.classNames()).containsExactly("negative", "positive");
        assertThat(DatasetRegistry.get("imdb").withSequenceLength(8).classNames()).containsExactly("negative", "positive");
    }

    @Test
    void aDatasetWithoutNamesIsKnownByIndexAndOneWithNamesTakesThemInOrder() {
        DatasetInfo plain = DatasetInfo.text("mine", "reviews.json", 3, 10, 10);
        assertThat(plain.classNames()).containsExactly("0", "1", "2");
        DatasetInfo named = plain.withClassNames(List.of("cat", "dog", "<b>&\"x"));
        assertThat(named.classNames()).containsExactly("cat", "dog", "<b>&\"x");
        assertThat(named.numClasses()).isEqualTo(3);
        assertThat(DatasetInfo.defaultClassNames(0)).isEmpty();
    }

    @Test
    void classNamesMustBeOnePerClassAndDistinct() {
        DatasetInfo plain = DatasetInfo.text("mine", "reviews.json", 3, 10, 10);
        assertThatThrownBy(() -> plain.withClassNames(List.of("a", "b"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 3 classes, got 2 class names");
        assertThatThrownBy(() -> plain.withClassNames(List.of("a", "b", "a"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has a class name twice");
        assertThatThrownBy(() -> plain.withClassNames(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> plain.withClassNames(List.of("a", "", "c"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has a class without a name");
    }
}
