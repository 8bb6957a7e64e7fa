package io.distill4j.data.user.text;

import io.distill4j.data.DataException;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.distill4j.data.user.text.TextFiles.spec;
import static io.distill4j.data.user.text.TextFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every refusal is one line (a DataException, exit code 6) naming the file and the line or file at fault. */
class TextErrorsTest {
    @TempDir
    Path dir;

    private static final SplitPlan NO_SPLIT = new SplitPlan(0, 0, 1);

    static void assertRefused(ThrowingCallable call, String start) {
        assertThatThrownBy(call).isInstanceOf(DataException.class).hasMessageStartingWith(start)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private void prepare(String format, Path train, Path test) throws Exception {
        TextFormat f = (TextFormat) io.distill4j.data.user.UserFormats.get(format);
        f.prepare(spec(format, train, test, 4, 50), NO_SPLIT, new CollectingSink());
    }

    @Test
    void anInvalidJsonLineIsNamedByLine() {
        Path f = write(dir.resolve("train.jsonl"), "{\"text\": \"ok\", \"label\": 1}\n{\"text\": \"no closing\", \"label\": 1\n");
        assertRefused(() -> prepare("jsonl", f, null), f + ":2: not valid JSON");
    }

    @Test
    void aMissingTextFieldIsNamedByLine() {
        Path f = write(dir.resolve("train.jsonl"), "{\"text\": \"ok\", \"label\": 1}\n\n{\"review\": \"x\", \"label\": 1}\n");
        assertRefused(() -> prepare("jsonl", f, null), f + ":3: no \"text\" field (data.text names the text field; this line has fields [review, label])");
    }

    @Test
    void aMissingLabelFieldIsNamedByLine() {
        Path f = write(dir.resolve("train.jsonl"), "{\"text\": \"ok\"}\n");
        assertRefused(() -> prepare("jsonl", f, null), f + ":1: no \"label\" field");
        Path csv = write(dir.resolve("train.csv"), "text,sentiment\nok,1\n");
        assertRefused(() -> prepare("text-csv", csv, null), csv + ":1: no column \"label\"");
    }

    @Test
    void aLabelThatIsNeitherStringNorNumberIsRefused() {
        Path f = write(dir.resolve("train.jsonl"), "{\"text\": \"ok\", \"label\": [1]}\n");
        assertRefused(() -> prepare("jsonl", f, null), f + ":1: \"label\" is array, expected a class name");
    }

    @Test
    void anEmptyTextIsAllowedAndGivesClsAlone() throws Exception {
        Path f = write(dir.resolve("train.jsonl"), "{\"text\": \"\", \"label\": 1}\n{\"text\": \"word\", \"label\": 2}\n");
        CollectingSink sink = new CollectingSink();
        TextFormat.jsonl().prepare(spec("jsonl", f, null, 3, 50), NO_SPLIT, sink);
        assertThat(sink.rows(Part.TRAIN).get(0)).containsExactly(2, 0, 0);
    }

    @Test
    void invalidUtf8IsNamedByFileLineAndByteOffset() {
        byte[] good = "{\"text\": \"ok\", \"label\": 1}\n".getBytes();
        byte[] bad = "{\"text\": \"caf\u00e9\", \"label\": 1}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] all = new byte[good.length + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        Path f = write(dir.resolve("train.jsonl"), all);
        int offset = good.length + "{\"text\": \"caf".length();
        assertRefused(() -> prepare("jsonl", f, null), f + ": line 2: invalid UTF-8 at byte offset " + offset + " (byte 0xe9)");

        Path csv = write(dir.resolve("train.csv"), ("text,label\n\"multi\nline\",1\n\"caf\u00e9\",2\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertRefused(() -> prepare("text-csv", csv, null), csv + ": line 4: invalid UTF-8 at byte offset 30");

        Path txt = write(dir.resolve("folders/pos/1.txt"), new byte[]{'o', 'k', ' ', (byte) 0xff});
        write(dir.resolve("folders/neg/2.txt"), "fine");
        assertRefused(() -> prepare("text-folders", dir.resolve("folders"), null), txt + ": line 1: invalid UTF-8 at byte offset 3");
    }

    @Test
    void malformedTextReplaceSubstitutesTheReplacementCharacter() throws Exception {
        Path f = write(dir.resolve("train.jsonl"), "{\"text\": \"caf\u00e9 ok\", \"label\": 1}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        UserDataSpec s = spec("jsonl", f, null, 0, 0, null, 4, 50, null, "replace");
        CollectingSink sink = new CollectingSink();
        Preprocessor p = TextFormat.jsonl().prepare(s, NO_SPLIT, sink);
        // "caf\uFFFD ok": U+FFFD is no letter, so the tokens are "caf" and "ok"
        assertThat(Utf8Text.decode(Files.readAllBytes(f), true, f.toString())).contains("caf\uFFFD ok");
        assertThat(sink.rows(Part.TRAIN).get(0)).containsExactly(2, 3, 4, 0);
        List<io.distill4j.data.user.RawExample> read = new ArrayList<>();
        p.read(f, read::add);   // prediction replaces the same way
        assertThat(CollectingSink.ints(read.get(0).features())).containsExactly(2, 3, 4, 0);
    }

    @Test
    void anEmptyFolderOrAClassFolderWithoutTextsIsRefused() {
        Path empty = dir.resolve("empty");
        write(empty.resolve(".keep"), "");
        assertRefused(() -> prepare("text-folders", empty, null), empty + ": no class folders");
        Path root = dir.resolve("root");
        write(root.resolve("pos/1.txt"), "good");
        write(root.resolve("neg/notes.md"), "no texts here");
        assertRefused(() -> prepare("text-folders", root, null), root.resolve("neg") + ": class folder holds no .txt files");
        Path missing = dir.resolve("missing");
        assertRefused(() -> prepare("text-folders", missing, null), missing + ": folder not found");
    }

    @Test
    void anEmptyFileIsRefused() {
        Path f = write(dir.resolve("train.jsonl"), "\n\n");
        assertRefused(() -> prepare("jsonl", f, null), f + ": holds no examples");
        Path csv = write(dir.resolve("train.csv"), "");
        assertRefused(() -> prepare("text-csv", csv, null), csv + ": empty");
    }

    @Test
    void anUnknownLabelInTheTestSourceIsNamedByLine() {
        Path train = write(dir.resolve("train.jsonl"), "{\"text\": \"a\", \"label\": \"pos\"}\n{\"text\": \"b\", \"label\": \"neg\"}\n");
        Path test = write(dir.resolve("test.jsonl"), "{\"text\": \"a\", \"label\": \"pos\"}\n{\"text\": \"c\", \"label\": \"neutral\"}\n");
        assertRefused(() -> prepare("jsonl", train, test), test + ":2: label 'neutral' is not a class of the training data (classes [neg, pos])");
        Path folders = dir.resolve("train");
        write(folders.resolve("pos/1.txt"), "a");
        Path testFolders = dir.resolve("test");
        write(testFolders.resolve("pos/1.txt"), "a");
        write(testFolders.resolve("meh/2.txt"), "b");
        assertRefused(() -> prepare("text-folders", folders, testFolders), testFolders.resolve("meh/2.txt")
                + ": label 'meh' is not a class of the training data (classes [pos])");
    }

    @Test
    void aMissingOrBrokenTokenizerFailsThePreparation() {
        Path train = write(dir.resolve("train.jsonl"), "{\"text\": \"a\", \"label\": \"pos\"}\n");
        Path missing = dir.resolve("tokenizer.json");
        assertRefused(() -> TextFormat.jsonl().prepare(spec("jsonl", train, null, 0, 0, missing, 4, null, null, null),
                NO_SPLIT, new CollectingSink()), missing + ": tokenizer file not found");
        Path vocabTxt = write(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\n");
        assertRefused(() -> TextFormat.jsonl().prepare(spec("jsonl", train, null, 0, 0, vocabTxt, 4, null, null, null),
                NO_SPLIT, new CollectingSink()), vocabTxt + ": not a Hugging Face tokenizer.json");
    }

    @Test
    void aMissingSourceFileAndABadCsvRecordAreNamed() {
        Path missing = dir.resolve("nothing.jsonl");
        assertRefused(() -> prepare("jsonl", missing, null), missing + ": file not found");
        Path csv = write(dir.resolve("train.csv"), "text,label\nok,1\n\"unclosed quote,2\n");
        assertRefused(() -> prepare("text-csv", csv, null), csv + ":3: 1 field(s), but the header has 2");
    }

    @Test
    void aCsvRecordWithMissingOrExtraFieldsIsNamed() {
        Path missing = write(dir.resolve("missing.csv"), "text,label\nok,1\nnolabel\n");
        assertRefused(() -> prepare("text-csv", missing, null), missing + ":3: 1 field(s), but the header has 2");
        Path extra = write(dir.resolve("extra.csv"), "text,label\nok,1\nok,1,surplus\n");
        assertRefused(() -> prepare("text-csv", extra, null), extra + ":3: 3 field(s), but the header has 2");
    }

    @Test
    void predictionInputOfAnUnknownKindIsRefused() throws Exception {
        Path train = write(dir.resolve("train.jsonl"), "{\"text\": \"a\", \"label\": \"pos\"}\n");
        Preprocessor p = TextFormat.jsonl().prepare(spec("jsonl", train, null, 4, 50), NO_SPLIT, new CollectingSink());
        Path pdf = write(dir.resolve("review.pdf"), "%PDF");
        assertRefused(() -> p.read(pdf, r -> { }), pdf + ": expected a .jsonl, .csv or .txt file");
        Path nowhere = dir.resolve("none.txt");
        assertRefused(() -> p.read(nowhere, r -> { }), nowhere + ": file not found");
    }
}
