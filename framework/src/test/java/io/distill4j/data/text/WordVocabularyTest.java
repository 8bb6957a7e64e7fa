package io.distill4j.data.text;

import io.distill4j.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WordVocabularyTest {
    /** Counts of "the movie was great ! the plot was bad ? the end" style text, with ties to break. */
    static final Map<String, Long> COUNTS = Map.of("the", 5L, "movie", 3L, "was", 3L, "!", 3L, "great", 1L, "bad", 1L, "plot", 2L);

    @TempDir
    Path dir;

    @Test
    void idsAreSpecialsThenWordsByCountWithTiesBrokenByWord() {
        WordVocabulary v = WordVocabulary.fromCounts(COUNTS, 100);
        // 5; then the three 3s in String order ("!" sorts before letters); then 2; then the two 1s
        assertThat(v.words()).containsExactly("the", "!", "movie", "was", "plot", "bad", "great");
        assertThat(v.size()).as("fewer words than asked for: the vocabulary is smaller").isEqualTo(10);
        assertThat(v.id("the")).isEqualTo(3);
        assertThat(v.id("great")).isEqualTo(9);
        assertThat(v.id("unseen")).isEqualTo(WordVocabulary.UNK);
        assertThat(v.token(0)).isEqualTo("<pad>");
        assertThat(v.token(1)).isEqualTo("<unk>");
        assertThat(v.token(2)).isEqualTo("<cls>");
        assertThat(v.token(4)).isEqualTo("!");
        assertThatThrownBy(() -> v.token(10)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void theSizeCountsTheSpecialsAndKeepsTheMostFrequentWords() {
        WordVocabulary v = WordVocabulary.fromCounts(COUNTS, 6);
        assertThat(v.words()).containsExactly("the", "!", "movie");
        assertThat(v.size()).isEqualTo(6);
        assertThat(v.id("was")).as("tied with movie, cut by the word order").isEqualTo(WordVocabulary.UNK);
        assertThatThrownBy(() -> WordVocabulary.fromCounts(COUNTS, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WordVocabulary.fromCounts(Map.of("Not a token", 1L), 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Not a token' is not a single words-v1 token");
    }

    @Test
    void encodingPutsClsFirstCutsAtMaxLengthAndPads() {
        WordVocabulary v = WordVocabulary.fromCounts(COUNTS, 100);
        // tokens: the movie was great ! ... unseen -> 3 5 6 9 4 1
        String text = "The movie was GREAT!<br />Unseen";
        assertThat(v.encode(text, 8, true)).containsExactly(2, 3, 5, 6, 9, 4, 1, 0);
        assertThat(v.encode(text, 8, false)).containsExactly(3, 5, 6, 9, 4, 1, 0, 0);
        assertThat(v.encode(text, 3, true)).as("the head of a long text is kept").containsExactly(2, 3, 5);
        assertThat(v.encode(text, 3, false)).containsExactly(3, 5, 6);
        assertThat(v.encode("", 4, true)).containsExactly(2, 0, 0, 0);
        assertThat(v.encode("the", 1, true)).containsExactly(2);
        assertThatThrownBy(() -> v.encode(text, 0, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFileRoundTripsExactlyAndIsReadable() throws IOException {
        WordVocabulary v = WordVocabulary.fromCounts(COUNTS, 100);
        byte[] bytes = bytes(v);
        WordVocabulary back = WordVocabulary.read(new ByteArrayInputStream(bytes), "vocabulary.json");
        assertThat(back).isEqualTo(v);
        assertThat(back.words()).isEqualTo(v.words());
        assertThat(bytes(back)).as("rewriting gives the same bytes").isEqualTo(bytes);
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\n  \"format\" : \"distill4j-vocabulary\",\n  \"version\" : 1,\n  \"tokenizer\" : \"words-v1\",")
                .contains("\"specials\" : [ \"<pad>\", \"<unk>\", \"<cls>\" ]")
                .contains("\"words\" : [ \"the\", \"!\", \"movie\"");
        Path file = dir.resolve("vocabulary.json");
        try (OutputStream out = Files.newOutputStream(file)) {
            v.writeTo(out);
        }
        assertThat(WordVocabulary.read(file)).isEqualTo(v);
        assertThat(WordVocabulary.read(file).encode("the plot", 4, true)).containsExactly(2, 3, 7, 0);
    }

    @Test
    void aTruncationOtherThanTheHeadEncodesThatWayAndTravelsWithTheFile() throws IOException {
        WordVocabulary head = WordVocabulary.fromCounts(COUNTS, 100);
        assertThat(head.truncation()).isEqualTo(Truncation.HEAD);
        WordVocabulary tail = head.withTruncation(Truncation.TAIL);
        String text = "The movie was GREAT!<br />Unseen";   // 3 5 6 9 4 1
        assertThat(tail.encode(text, 4, true)).as("CLS, then the last three tokens").containsExactly(2, 9, 4, 1);
        assertThat(head.withTruncation(Truncation.HEAD_TAIL).encode(text, 5, false)).containsExactly(3, 6, 9, 4, 1);
        assertThat(tail.encode("the movie", 4, true)).as("a short text is not moved").containsExactly(2, 3, 5, 0);
        assertThat(tail).isNotEqualTo(head);
        byte[] bytes = bytes(tail);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"truncation\" : \"tail\"");
        assertThat(new String(bytes(head), StandardCharsets.UTF_8)).as("head files are as before the key").doesNotContain("truncation");
        WordVocabulary back = WordVocabulary.read(new ByteArrayInputStream(bytes), "v.json");
        assertThat(back).isEqualTo(tail);
        assertThat(back.encode(text, 4, true)).containsExactly(2, 9, 4, 1);
        StringBuilder longText = new StringBuilder();
        for (int i = 0; i < 300; i++) longText.append(i % 2 == 0 ? "the " : "plot ");
        assertThat(back.encode(longText + "great", 3, true)).as("beyond the initial buffer").containsExactly(2, 7, 9);
    }

    @Test
    void unicodeWordsRoundTrip() throws IOException {
        WordVocabulary v = WordVocabulary.fromCounts(Map.of("café", 2L, "東京", 1L, "x𝐀y", 1L), 10);
        assertThat(WordVocabulary.read(new ByteArrayInputStream(bytes(v)), "v.json")).isEqualTo(v);
        assertThat(v.encode("Café 東京", 3, false)).containsExactly(3, 5, 0);
    }

    @Test
    void anEmptyVocabularyRoundTripsAndMakesEveryWordUnknown() throws IOException {
        WordVocabulary v = WordVocabulary.fromCounts(Map.of(), 10);
        assertThat(v.size()).isEqualTo(3);
        assertThat(WordVocabulary.read(new ByteArrayInputStream(bytes(v)), "v.json")).isEqualTo(v);
        assertThat(v.encode("any text", 3, false)).containsExactly(1, 1, 0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not JSON        | {\"format\": | v.json: not valid JSON at line 1, column 11",
        "empty           | ``            | v.json: expected a JSON object with format, version, tokenizer, specials and words",
        "an array        | []            | v.json: expected a JSON object",
        "trailing        | `{\"format\": \"distill4j-vocabulary\"} {}` | v.json: not valid JSON",
        "unknown key     | `{\"format\": \"distill4j-vocabulary\", \"counts\": []}` | v.json: unknown key \"counts\" (expected only [format, specials, tokenizer, truncation, version, words])",
        "bad truncation  | `{\"format\": \"distill4j-vocabulary\", \"version\": 1, \"tokenizer\": \"words-v1\", \"truncation\": \"middle\"}` | v.json: truncation \"middle\" is unknown (expected one of head, tail, headTail)",
        "duplicate key   | `{\"format\": \"distill4j-vocabulary\", \"format\": \"x\"}` | v.json: not valid JSON at line 1, column 44 (Duplicate field 'format')",
        "other format    | `{\"format\": \"keras\"}` | v.json: not a vocabulary file (format \"keras\", expected \"distill4j-vocabulary\")",
        "no format       | `{\"version\": 1}` | v.json: not a vocabulary file (format missing, expected \"distill4j-vocabulary\")",
        "newer version   | `{\"format\": \"distill4j-vocabulary\", \"version\": 2}` | v.json: vocabulary format version 2 is not readable here (expected 1)",
        "version text    | `{\"format\": \"distill4j-vocabulary\", \"version\": \"1\"}` | v.json: vocabulary format version \"1\" is not readable here (expected 1)",
        "other tokenizer | `{\"format\": \"distill4j-vocabulary\", \"version\": 1, \"tokenizer\": \"bpe\"}` | v.json: tokenizer \"bpe\" is unknown (expected \"words-v1\")",
        "specials order  | `{\"format\": \"distill4j-vocabulary\", \"version\": 1, \"tokenizer\": \"words-v1\", \"specials\": [\"<unk>\", \"<pad>\", \"<cls>\"], \"words\": []}` | v.json: specials [\"<unk>\",\"<pad>\",\"<cls>\"], expected [\"<pad>\", \"<unk>\", \"<cls>\"] (ids 0, 1, 2)",
        "no words        | `{\"format\": \"distill4j-vocabulary\", \"version\": 1, \"tokenizer\": \"words-v1\", \"specials\": [\"<pad>\", \"<unk>\", \"<cls>\"]}` | v.json: \"words\" missing or not an array (expected the words in id order)",
        "word not text   | `{\"format\": \"distill4j-vocabulary\", \"version\": 1, \"tokenizer\": \"words-v1\", \"specials\": [\"<pad>\", \"<unk>\", \"<cls>\"], \"words\": [\"a\", 7]}` | v.json: words[1] (id 4) is 7, expected a string",
        "upper case      | `{\"format\": \"distill4j-vocabulary\", \"version\": 1, \"tokenizer\": \"words-v1\", \"specials\": [\"<pad>\", \"<unk>\", \"<cls>\"], \"words\": [\"a\", \"The\"]}` | v.json: words[1] (id 4) \"The\" is not a single words-v1 token",
        "two words       | `{\"format\": \"distill4j-vocabulary\", \"version\": 1, \"tokenizer\": \"words-v1\", \"specials\": [\"<pad>\", \"<unk>\", \"<cls>\"], \"words\": [\"a b\"]}` | v.json: words[0] (id 3) \"a b\" is not a single words-v1 token",
        "duplicate word  | `{\"format\": \"distill4j-vocabulary\", \"version\": 1, \"tokenizer\": \"words-v1\", \"specials\": [\"<pad>\", \"<unk>\", \"<cls>\"], \"words\": [\"a\", \"b\", \"a\"]}` | v.json: words[2] (id 5) \"a\" appears twice",
    })
    void aBadFileIsAOneLineDataErrorNamingTheFileAndTheProblem(String what, String json, String expected) {
        assertThatThrownBy(() -> WordVocabulary.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "v.json"))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> WordVocabulary.read(missing)).isInstanceOf(DataException.class)
                .hasMessage(missing + ": vocabulary file not found");
    }

    private static byte[] bytes(WordVocabulary v) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        v.writeTo(out);
        return out.toByteArray();
    }
}
