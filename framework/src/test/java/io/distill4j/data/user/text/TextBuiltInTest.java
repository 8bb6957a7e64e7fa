package io.distill4j.data.user.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.distill4j.data.DataRequest;
import io.distill4j.data.DatasetLoader;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.LoadedDataset;
import io.distill4j.data.text.Truncation;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in IMDB preprocessing encodes raw text to exactly the floats the IMDB loader stored. */
class TextBuiltInTest {
    @TempDir
    Path dir;

    private static final String[] WORDS = {"good", "bad", "great", "awful", "plot", "acting", "movie", "film", "the", "a",
            "loved", "hated", "boring", "fun", "story", "Ending", "twist", "cast", "!", "?", "don't", "<br />", "café", "x1"};

    @Test
    void builtInIdsAreBitwiseTheLoadersForTheSameText() throws Exception {
        // the registry's imdb layout: 4 blocks of 12,500 (test/neg, train/neg, test/pos, train/pos)
        int block = 12_500;
        SplittableRandom r = new SplittableRandom(5);
        List<String> texts = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        ArrayNode array = json.createArrayNode();
        for (int i = 0; i < 4 * block; i++) {
            StringBuilder t = new StringBuilder();
            int n = r.nextInt(0, 12);
            for (int k = 0; k < n; k++) t.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(4) == 0 ? ", " : " ");
            if (r.nextInt(50) == 0) t.append("rare").append(i);   // words that miss a small vocabulary
            texts.add(t.toString());
            array.addObject().put("t", t.toString()).put("s", i / block < 2 ? 0 : 1);
        }
        json.writeValue(dir.resolve("reviews.json").toFile(), array);
        for (Truncation truncation : Truncation.values()) {
            LoadedDataset d = DatasetLoader.load(new DataRequest("imdb", dir.toString(), 0, 0, 0, 7, 20, truncation));
            Preprocessor p = TextPreprocessor.builtIn(d.vocabulary(), 7, truncation, List.of("neg", "pos"));
            Preprocessor back = Preprocessors.read(p.entries(), "model.zip").orElseThrow();
            assertThat(back.shape()).isEqualTo(InputShape.text(7, 20));
            List<String> train = new ArrayList<>(texts.subList(block, 2 * block));
            train.addAll(texts.subList(3 * block, 4 * block));
            List<String> test = new ArrayList<>(texts.subList(0, block));
            test.addAll(texts.subList(2 * block, 3 * block));
            assertSameRows(d.train(), train, (TextPreprocessor) back, truncation + " train");
            assertSameRows(d.test(), test, (TextPreprocessor) back, truncation + " test");
        }
    }

    /** The loader shuffles its splits, so rows are compared as sorted lists of their float bits. */
    private static void assertSameRows(LabeledSplit split, List<String> texts, TextPreprocessor p, String what) {
        float[] all = split.features().dup().data().asFloat();
        int width = (int) split.features().size(1);
        List<String> loaded = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) loaded.add(bits(Arrays.copyOfRange(all, i * width, (i + 1) * width)));
        List<String> encoded = new ArrayList<>();
        for (String t : texts) encoded.add(bits(p.encode(t)));
        loaded.sort(null);
        encoded.sort(null);
        assertThat(encoded).as(what).isEqualTo(loaded);
    }

    private static String bits(float[] row) {
        StringBuilder s = new StringBuilder();
        for (float f : row) s.append(Integer.toHexString(Float.floatToRawIntBits(f))).append(' ');
        return s.toString();
    }
}
