package io.distill4j.data;

import io.distill4j.config.DataSpec;
import io.distill4j.data.text.WordVocabulary;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real IMDB reviews, when {@code scripts/fetch-data imdb} has put them in data/imdb (skipped otherwise). */
class ImdbDataTest {
    private static final Path ROOT = Path.of("../data/imdb");

    @BeforeEach
    void needsTheData() {
        assumeTrue(Files.isRegularFile(ROOT.resolve("reviews.json")), "no data/imdb/reviews.json: run scripts/fetch-data imdb");
    }

    @Test
    void theStandardSplitIs25kAnd25kWithHalfOfEachClass() {
        LoadedDataset d = DatasetLoader.load(new DataSpec("imdb", ROOT.toString(), 0, 0, 0, 256, 20_000).request());
        assertThat(d.train().size()).isEqualTo(25_000);
        assertThat(d.test().size()).isEqualTo(25_000);
        assertThat(d.validation().size()).isZero();
        assertThat(positives(d.train())).isEqualTo(12_500);
        assertThat(positives(d.test())).isEqualTo(12_500);
        assertThat(d.train().features().shape()).containsExactly(25_000, 256);
        assertThat(d.sha256()).containsEntry("reviews.json", "325ab424eb6899870dd9294c6fe5be9265f66f8a2f63bcd941c6277cc1c17ea8");
        WordVocabulary v = d.vocabulary();
        assertThat(v.size()).isEqualTo(20_000);
        assertThat(v.words().subList(0, 3)).as("the most frequent words of English reviews").containsExactly("the", "and", "a");
        assertThat(v.words().subList(0, 1000)).as("<br /> is not a word (without the rule, br would be top 20)").doesNotContain("br");
        for (LabeledSplit s : new LabeledSplit[]{d.train(), d.test()}) {
            INDArray f = s.features();
            assertThat(f.getColumn(0).minNumber().intValue()).as("every row starts with CLS").isEqualTo(WordVocabulary.CLS);
            assertThat(f.getColumn(0).maxNumber().intValue()).isEqualTo(WordVocabulary.CLS);
            assertThat(f.minNumber().intValue()).isGreaterThanOrEqualTo(0);
            assertThat(f.maxNumber().intValue()).isLessThan(20_000);
        }
    }

    @Test
    void validationIsDrawnFromBothClasses() {
        LoadedDataset d = DatasetLoader.load(new DataSpec("imdb", ROOT.toString(), 0, 2000, 5000, 64, 1000).request());
        assertThat(d.train().size()).isEqualTo(20_000);
        assertThat(d.validation().size()).isEqualTo(5000);
        assertThat(d.test().size()).isEqualTo(2000);
        // a fixed shuffle of 12,500 + 12,500: a class share far from half would mean the order was not shuffled
        assertThat(positives(d.validation())).isBetween(2300, 2700);
        assertThat(positives(d.test())).isBetween(900, 1100);
        assertThat(positives(d.train()) + positives(d.validation())).isEqualTo(12_500);
        assertThat(d.vocabulary().size()).isEqualTo(1000);
    }

    private static int positives(LabeledSplit s) {
        return Arrays.stream(s.labels()).sum();
    }
}
