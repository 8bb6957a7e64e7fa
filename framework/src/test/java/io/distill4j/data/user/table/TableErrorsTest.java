package io.distill4j.data.user.table;

import io.distill4j.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.distill4j.data.user.table.TableFixtures.*;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every refusal is one line naming the file, the line (header = 1) and what was expected. */
class TableErrorsTest {
    @TempDir
    Path dir;

    private void refused(String csv, String... parts) throws IOException {
        Path f = write(dir, "t.csv", csv);
        refused(spec(f), parts);
    }

    private void refused(io.distill4j.data.user.UserDataSpec spec, String... parts) {
        assertThatThrownBy(() -> prepare(spec, allTrain()))
                .isInstanceOf(DataException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("\n").contains(parts));
    }

    @Test
    void raggedRow() throws IOException {
        refused("a,b,label\n1,2,x\n1,2\n", "t.csv:3: expected 3 fields (as the header has), got 2");
        refused("a,b,label\n1,2,x\n1,2,x,4\n", "t.csv:3: expected 3 fields", "got 4");
    }

    @Test
    void nonNumberInANumericColumn() throws IOException {
        Path train = write(dir, "train.csv", "a,label\n1,x\n2,y\n");
        Path test = write(dir, "test.csv", "a,label\n1,x\nabc,y\n");
        refused(spec("csv", train, test, null, List.of(), List.of(), null, null), "test.csv:3:1: expected a number in column 'a'", "'abc'");
    }

    @Test
    void emptyLabel() throws IOException {
        refused("a,label\n1,x\n2,  \n", "t.csv:3:2: empty label");
    }

    @Test
    void missingLabelColumn() throws IOException {
        refused("a,b\n1,2\n", "t.csv:1: data.label names column 'label'", "[a, b]");
    }

    @Test
    void unknownColumnsOrDrop() throws IOException {
        Path f = write(dir, "t.csv", "a,b,label\n1,2,x\n");
        refused(spec("csv", f, null, null, List.of("a", "zz"), List.of(), null, null), "t.csv:1: data.columns names column 'zz'", "[a, b, label]");
        refused(spec("csv", f, null, null, List.of(), List.of("id"), null, null), "t.csv:1: data.drop names column 'id'", "[a, b, label]");
    }

    @Test
    void duplicateHeaderNames() throws IOException {
        refused("a,b,a,label\n1,2,3,x\n", "t.csv:1: duplicate column name 'a'");
    }

    @Test
    void emptyFileAndHeaderOnly() throws IOException {
        refused("", "t.csv: is empty; expected a header row");
        refused("a,label\n", "t.csv:1: has a header but no rows");
    }

    @Test
    void invalidUtf8() throws IOException {
        Path f = dir.resolve("t.csv");
        byte[] head = "a,label\n1,x\n2,".getBytes();
        byte[] bad = {(byte) 0xC3, (byte) 0x28, '\n'};
        byte[] all = new byte[head.length + bad.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        Files.write(f, all);
        refused(spec(f), "t.csv:3: not valid UTF-8");
    }

    @Test
    void missingValueWhenMissingIsError() throws IOException {
        refused("a,label\n1,x\nNA,y\n", "t.csv:3:1: missing value 'NA' in column 'a'", "data.missing");
    }

    @Test
    void unseenCategory() throws IOException {
        Path train = write(dir, "train.csv", "c,label\nred,x\nblue,y\n");
        Path test = write(dir, "test.csv", "c,label\nred,x\ngreen,y\n");
        refused(spec("csv", train, test, null, List.of(), List.of(), null, null),
                "test.csv:3:1: category 'green' of column 'c' was not seen in the training rows; known: blue, red");
    }

    @Test
    void unknownLabelInTheTestFile() throws IOException {
        Path train = write(dir, "train.csv", "a,label\n1,x\n2,y\n");
        Path test = write(dir, "test.csv", "a,label\n1,x\n2,z\n3,z\n");
        refused(spec("csv", train, test, null, List.of(), List.of(), null, null), "test.csv:3: label 'z' is not one of the training file's classes [x, y]");
    }

    @Test
    void testFileWithoutAFeatureColumn() throws IOException {
        Path train = write(dir, "train.csv", "a,b,label\n1,2,x\n2,3,y\n");
        Path test = write(dir, "test.csv", "a,label\n1,x\n");
        refused(spec("csv", train, test, null, List.of(), List.of(), null, null), "test.csv:1:", "column 'b'", "[a, label]");
    }
}
