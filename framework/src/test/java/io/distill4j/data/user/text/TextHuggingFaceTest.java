package io.distill4j.data.user.text;

import io.distill4j.data.text.Truncation;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.user.RawExample;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.distill4j.data.user.text.TextFiles.spec;
import static io.distill4j.data.user.text.TextFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/** The fixture WordPiece tokenizer.json, encoded through DJL: [CLS] 2, [SEP] 3, [PAD] 0, [UNK] 1. */
class TextHuggingFaceTest {
    @TempDir
    Path dir;

    private HuggingFaceIds fixture() {
        return HuggingFaceIds.load(TextFiles.tokenizer(dir));
    }

    @Test
    void wordPieceIdsComeFromTheTokenizerWithItsOwnSpecialTokensAndPadding() {
        HuggingFaceIds t = fixture();
        assertThat(t.vocabularySize()).isEqualTo(40);
        assertThat(t.padId()).isEqualTo(0);
        // the movie was fun ##ny ! ; lower-cased by the BERT normalizer
        assertThat(t.encode("The movie was funny!", 10, Truncation.HEAD)).containsExactly(2, 5, 7, 9, 32, 33, 24, 3, 0, 0);
        // play ##ing, a word out of the vocabulary is [UNK]
        assertThat(t.encode("playing xyzzy", 6, Truncation.HEAD)).containsExactly(2, 30, 29, 1, 3, 0);
        assertThat(t.encode("", 4, Truncation.HEAD)).containsExactly(2, 3, 0, 0);
    }

    @Test
    void aLongTextKeepsTheSpecialTokensAndTheTruncationsChoiceOfTheRest() {
        HuggingFaceIds t = fixture();
        String text = "i loved the story but hated the acting";   // 17 19 5 39 37 20 5 16
        assertThat(t.encode(text, 6, Truncation.HEAD)).containsExactly(2, 17, 19, 5, 39, 3);
        assertThat(t.encode(text, 6, Truncation.TAIL)).containsExactly(2, 37, 20, 5, 16, 3);
        assertThat(t.encode(text, 10, Truncation.HEAD_TAIL)).containsExactly(2, 17, 19, 5, 39, 37, 20, 5, 16, 3);
        assertThat(t.encode(text, 7, Truncation.HEAD_TAIL)).containsExactly(2, 17, 37, 20, 5, 16, 3);   // room 5: 1 head, 4 tail
    }

    @Test
    void aFormatWithATokenizerWritesItsIdsAndTheExportCarriesTheFileUnchanged() throws Exception {
        Path tokenizer = TextFiles.tokenizer(dir);
        Path train = write(dir.resolve("train.jsonl"), """
                {"text": "good movie", "label": "pos"}
                {"text": "bad acting", "label": "neg"}
                """);
        Path test = write(dir.resolve("test.jsonl"), "{\"text\": \"a great story!\", \"label\": \"pos\"}\n");
        CollectingSink sink = new CollectingSink();
        Preprocessor p = TextFormat.jsonl().prepare(spec("jsonl", train, test, 0, 0, tokenizer, 6, null, Truncation.HEAD, null),
                new SplitPlan(0, 0, 1), sink);
        assertThat(p.shape()).isEqualTo(InputShape.text(6, 40));
        assertThat(sink.rows(Part.TRAIN).get(0)).containsExactly(2, 11, 7, 3, 0, 0);
        assertThat(sink.rows(Part.TEST).get(0)).containsExactly(2, 6, 13, 39, 24, 3);
        assertThat(p.entries()).containsOnlyKeys(Preprocessor.ENTRY, "tokenizer.json");
        assertThat(p.entries().get("tokenizer.json")).isEqualTo(Files.readAllBytes(tokenizer));

        Preprocessor back = Preprocessors.read(p.entries(), "model.zip").orElseThrow();
        List<RawExample> read = new ArrayList<>();
        back.read(test, read::add);
        assertThat(CollectingSink.ints(read.get(0).features())).containsExactly(sink.rows(Part.TEST).get(0));
        assertThat(back.shape()).isEqualTo(p.shape());
    }

    @Test
    void theFilesOwnTruncationAndPaddingDoNotApply() throws Exception {
        // a tokenizer saved with truncation to 4 and padding to 12 by a pad id of 4 ([MASK], to tell it apart)
        String json = Files.readString(TextFiles.tokenizer(dir))
                .replace("\"truncation\": null", "\"truncation\": {\"direction\": \"Right\", \"max_length\": 4, \"strategy\": \"LongestFirst\", \"stride\": 0}")
                .replace("\"padding\": null", "\"padding\": {\"strategy\": {\"Fixed\": 12}, \"direction\": \"Right\", \"pad_to_multiple_of\": null, "
                        + "\"pad_id\": 4, \"pad_type_id\": 0, \"pad_token\": \"[MASK]\"}");
        assertThat(json).contains("\"max_length\": 4").contains("\"pad_id\": 4");
        HuggingFaceIds t = HuggingFaceIds.load(write(dir.resolve("saved.json"), json));
        assertThat(t.padId()).isEqualTo(4);   // the file's pad id pads our rows
        assertThat(t.encode("i loved the story", 8, Truncation.HEAD)).containsExactly(2, 17, 19, 5, 39, 3, 4, 4);
    }

    @Test
    void aMissingTokenizerFileIsRefused() {
        Path missing = dir.resolve("nope/tokenizer.json");
        TextErrorsTest.assertRefused(() -> HuggingFaceIds.load(missing), missing + ": tokenizer file not found");
    }

    @Test
    void aJsonFileThatIsNotATokenizerIsRefused() {
        Path notOne = write(dir.resolve("config.json"), "{\"hidden_size\": 768, \"model_type\": \"bert\"}");
        TextErrorsTest.assertRefused(() -> HuggingFaceIds.load(notOne), notOne + ": not a Hugging Face tokenizer.json (no model.vocab");
        Path notJson = write(dir.resolve("tokenizer.json"), "vocab.txt, really");
        TextErrorsTest.assertRefused(() -> HuggingFaceIds.load(notJson), notJson + ": not a Hugging Face tokenizer.json (not valid JSON");
        Path broken = write(dir.resolve("broken.json"), "{\"model\": {\"type\": \"NoSuchModel\", \"vocab\": {\"a\": 0}}}");
        TextErrorsTest.assertRefused(() -> HuggingFaceIds.load(broken), broken + ": not a valid Hugging Face tokenizer.json (");
    }
}
