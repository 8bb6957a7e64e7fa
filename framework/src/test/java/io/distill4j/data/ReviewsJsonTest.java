package io.distill4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReviewsJsonTest {
    @TempDir
    Path dir;

    private record Seen(int index, String text, int label) {
    }

    private List<Seen> read(Path file, int expected) {
        List<Seen> out = new ArrayList<>();
        ReviewsJson.read(file, expected, (i, t, s) -> out.add(new Seen(i, t, s)));
        return out;
    }

    private Path write(String json) throws IOException {
        Path f = dir.resolve("reviews.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void readsEveryRecordInOrderWithAnyFieldOrderAndEscapes() throws IOException {
        Path f = write("[{\"t\":\"Good.<br />\\\"Great\\\" \\u00e9\",\"s\":1},\n {\"s\": 0, \"t\": \"\"}]");
        assertThat(read(f, 2)).containsExactly(new Seen(0, "Good.<br />\"Great\" é", 1), new Seen(1, "", 0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "no t                | `[{\"t\":\"a\",\"s\":0},{\"s\":1}]`                      | record 1 has no \"t\" (the review text)",
        "no s                | `[{\"t\":\"a\",\"s\":0},{\"t\":\"b\"}]`                  | record 1 has no \"s\" (the label, 0 or 1)",
        "s is 2              | `[{\"t\":\"a\",\"s\":2},{\"t\":\"b\",\"s\":1}]`          | record 0: \"s\" is 2, expected 0 (negative) or 1 (positive)",
        "s is a string       | `[{\"t\":\"a\",\"s\":0},{\"t\":\"b\",\"s\":\"1\"}]`      | record 1: \"s\" is \"1\", expected 0 (negative) or 1 (positive)",
        "s is a float        | `[{\"t\":\"a\",\"s\":1.0},{\"t\":\"b\",\"s\":1}]`        | record 0: \"s\" is 1.0, expected 0 (negative) or 1 (positive)",
        "s is huge           | `[{\"t\":\"a\",\"s\":99999999999},{\"t\":\"b\",\"s\":1}]` | record 0: \"s\" is 99999999999, expected 0 (negative) or 1 (positive)",
        "s is null           | `[{\"t\":\"a\",\"s\":null},{\"t\":\"b\",\"s\":1}]`       | record 0: \"s\" is null, expected 0 (negative) or 1 (positive)",
        "t is a number       | `[{\"t\":\"a\",\"s\":0},{\"t\":5,\"s\":1}]`              | record 1: \"t\" is a number, expected the review text (a string)",
        "t is an array       | `[{\"t\":[\"a\"],\"s\":0},{\"t\":\"b\",\"s\":1}]`        | record 0: \"t\" is an array, expected the review text (a string)",
        "unknown field       | `[{\"t\":\"a\",\"s\":0,\"x\":1},{\"t\":\"b\",\"s\":1}]`   | record 0 has an unknown field \"x\"; expected only \"t\" and \"s\"",
        "record not object   | `[{\"t\":\"a\",\"s\":0},[\"b\",1]]`                      | record 1 is an array, expected an object {\"t\": text, \"s\": 0 or 1}",
        "not an array        | `{\"t\":\"a\",\"s\":0}`                                  | expected a JSON array of {\"t\": text, \"s\": 0 or 1} records, found an object",
        "empty file          | ``                                                       | expected a JSON array of {\"t\": text, \"s\": 0 or 1} records, found nothing (empty file)",
        "too few             | `[{\"t\":\"a\",\"s\":0}]`                                | holds 1 records; expected 2",
        "too many            | `[{\"t\":\"a\",\"s\":0},{\"t\":\"b\",\"s\":1},{\"t\":\"c\",\"s\":1}]` | holds more than 2 records; expected exactly 2",
        "trailing content    | `[{\"t\":\"a\",\"s\":0},{\"t\":\"b\",\"s\":1}] [`         | unexpected content after the closing ] of the array (after record 1)",
        "truncated in text   | `[{\"t\":\"a\",\"s\":0},{\"t\":\"b is cut`               | truncated in record 1 (the file ends before the array is closed)",
        "truncated in object | `[{\"t\":\"a\",\"s\":0},{\"t\":\"b\",`                   | truncated in record 1 (the file ends before the array is closed)",
        "truncated after     | `[{\"t\":\"a\",\"s\":0},{\"t\":\"b\",\"s\":1}`           | truncated in record 2 (the file ends before the array is closed)",
        "missing comma       | `[{\"t\":\"a\",\"s\":0} {\"t\":\"b\",\"s\":1}]`           | not valid JSON in record 1 (line 1, column 18): Unexpected character ('{' (code 123)): was expecting comma",
        "bare word           | `[{\"t\":\"a\",\"s\":0},{\"t\":b,\"s\":1}]`               | not valid JSON in record 1 (line 1, column 23): Unrecognized token 'b'",
        "duplicate field     | `[{\"t\":\"a\",\"s\":0},{\"t\":\"b\",\"t\":\"c\",\"s\":1}]` | not valid JSON in record 1 (line 1, column 30): Duplicate field 't'",
    })
    void malformedDataNamesTheFileAndTheRecordOnOneLine(String what, String json, String expected) throws IOException {
        Path f = write(json);
        assertThatThrownBy(() -> read(f, 2)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(f + ": " + expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void bytesThatAreNotUtf8AreNotJson() throws IOException {
        Path f = dir.resolve("reviews.json");
        byte[] prefix = "[{\"t\":\"a\",\"s\":0},{\"t\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[prefix.length + 2];
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        bytes[prefix.length] = (byte) 0xff;
        bytes[prefix.length + 1] = '"';
        Files.write(f, bytes);
        assertThatThrownBy(() -> read(f, 2)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(f + ": not valid JSON in record 1 (line 1, column ")
                .hasMessageContaining("Invalid UTF-8");
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = dir.resolve("absent.json");
        assertThatThrownBy(() -> read(f, 2)).isInstanceOf(DataException.class).hasMessage(f + ": file not found");
    }

    @Test
    void aTextPastTheParsersLimitIsRefusedWithItsRecordInOurWords() throws IOException {
        // round 3, D21: a 50 MB review was refused with Jackson's StreamReadConstraints wording and no record index
        String huge = "x".repeat(20_000_001);
        Path f = write("[{\"t\": \"fine\", \"s\": 1}, {\"t\": \"" + huge + "\", \"s\": 0}]");
        assertThatThrownBy(() -> read(f, 2)).isInstanceOf(DataException.class)
                .hasMessage(f + ": record 1 holds a text longer than the 20,000,000 characters a review may have (a real review has a few thousand)");
    }
}
