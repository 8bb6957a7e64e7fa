package io.distill4j.data.user.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.data.text.WordVocabulary;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.user.RawExample;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.distill4j.data.user.text.TextFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A committed version-1 text preprocessing (preprocessing-v1/: a word vocabulary, tail truncation, fields "review"
 * and "stars") is read back as exported: a change to the entry layout that old exports cannot follow fails here.
 */
class TextPreprocessingFixtureTest {
    @TempDir
    Path dir;

    private static Map<String, byte[]> fixture() throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        for (String name : List.of(Preprocessor.ENTRY, WordVocabulary.FILE_NAME)) {
            try (InputStream in = TextPreprocessingFixtureTest.class.getResourceAsStream("preprocessing-v1/" + name)) {
                entries.put(name, in.readAllBytes());
            }
        }
        return entries;
    }

    @Test
    void theCommittedVersion1EntriesReadBackAndEncode() throws Exception {
        Preprocessor p = Preprocessors.read(fixture(), "fixture.zip").orElseThrow();
        assertThat(p.kind()).isEqualTo("text");
        assertThat(p.classes()).containsExactly("negative", "neutral", "positive");
        assertThat(p.shape()).isEqualTo(InputShape.text(6, 9));
        TextPreprocessor t = (TextPreprocessor) p;
        // the 3, movie 4, good 5, bad 6, ! 7, plot 8; "was" is UNK; tail truncation keeps the last 5 after CLS
        assertThat(CollectingSink.ints(t.encode("The plot was BAD!!"))).containsExactly(2, 8, 1, 6, 7, 7);
        assertThat(CollectingSink.ints(t.encode("good movie"))).containsExactly(2, 5, 4, 0, 0, 0);

        // the training field names apply to prediction input
        Path input = write(dir.resolve("new.jsonl"), "{\"review\": \"good movie\", \"stars\": 5}\n{\"review\": \"bad\"}\n");
        List<RawExample> read = new ArrayList<>();
        p.read(input, read::add);
        assertThat(read).extracting(RawExample::label).containsExactly("5", null);
        assertThat(CollectingSink.ints(read.get(0).features())).containsExactly(2, 5, 4, 0, 0, 0);

        // written again, the entries say the same
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(p.entries().get(Preprocessor.ENTRY))).isEqualTo(json.readTree(fixture().get(Preprocessor.ENTRY)));
        assertThat(json.readTree(p.entries().get(WordVocabulary.FILE_NAME))).isEqualTo(json.readTree(fixture().get(WordVocabulary.FILE_NAME)));
    }

    @Test
    void entriesThatDoNotFitTogetherAreRefused() throws Exception {
        Map<String, byte[]> noVocabulary = fixture();
        noVocabulary.remove(WordVocabulary.FILE_NAME);
        TextErrorsTest.assertRefused(() -> Preprocessors.read(noVocabulary, "m.zip"),
                "m.zip: entry preprocessing.json needs the entry vocabulary.json, which is missing");

        Map<String, byte[]> wrongSize = fixture();
        wrongSize.put(Preprocessor.ENTRY, json(wrongSize).replace("\"vocabularySize\" : 9", "\"vocabularySize\" : 10").getBytes(StandardCharsets.UTF_8));
        TextErrorsTest.assertRefused(() -> Preprocessors.read(wrongSize, "m.zip"), "m.zip: entry preprocessing.json: vocabularySize 10 does not match");

        Map<String, byte[]> unknown = fixture();
        unknown.put(Preprocessor.ENTRY, json(unknown).replace("\"word\"", "\"sentencepiece\"").getBytes(StandardCharsets.UTF_8));
        TextErrorsTest.assertRefused(() -> Preprocessors.read(unknown, "m.zip"), "m.zip: entry preprocessing.json: tokenizer \"sentencepiece\" is unknown");
    }

    private static String json(Map<String, byte[]> entries) {
        return new String(entries.get(Preprocessor.ENTRY), StandardCharsets.UTF_8);
    }
}
