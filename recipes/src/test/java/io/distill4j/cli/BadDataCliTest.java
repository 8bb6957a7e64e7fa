package io.distill4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad data through the command line: exit code 6, one line naming the file and line, record or image, and nothing
 * left behind — no run folder, no cache (an interrupted or refused parse is redone, never trusted).
 */
class BadDataCliTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final TempFeatureCache CACHE = new TempFeatureCache();

    @TempDir
    Path dir;

    private Path config(String data) throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "name: bad\ndata: " + data + "\nmodels:\n  teacher: {family: mlp, hidden: [8]}\n  students:\n"
                + "    - {name: s, family: mlp, hidden: [4]}\ntraining: {epochs: 1, batchSize: 2, seed: 1}\noutput: {runs: " + dir.resolve("runs") + "}\n");
        return f;
    }

    /** Trains (which parses first) and expects exit 6 with a line holding {@code expected}, and no cache or run left. */
    private void refused(String data, String expected) throws IOException {
        CliRun r = CliRun.of("train", "-q", "--config", config(data).toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.DATA);
        assertThat(r.errorLine()).startsWith("distill4j: ").contains(expected);
        try (Stream<Path> left = Files.list(CACHE.folder())) {
            assertThat(left.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList()).as("cache folders left").isEmpty();
        }
        assertThat(dir.resolve("runs")).doesNotExist();
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private static String rows(String header, String... rows) {
        return header + "\n" + String.join("\n", rows) + "\n";
    }

    @Test
    void aRaggedRowNamesItsLine() throws IOException {
        Path f = write("t.csv", rows("a,b,label", "1,2,x", "3,4,y", "5,y", "6,7,x", "8,9,y"));
        refused("{format: csv, train: " + f + ", validation: 1}", f + ":4");
    }

    @Test
    void aNonNumberInANumericColumnOfTheTestFileNamesItsLineAndColumn() throws IOException {
        Path train = write("t.csv", rows("a,label", "1,x", "2,y", "3,x", "4,y", "5,x", "6,y"));
        Path test = write("u.csv", rows("a,label", "1,x", "two,y"));
        refused("{format: csv, train: " + train + ", test: " + test + ", validation: 1}", test + ":3");
    }

    @Test
    void anUnknownLabelInTheTestFileIsRefused() throws IOException {
        Path train = write("t.csv", rows("a,label", "1,x", "2,y", "3,x", "4,y", "5,x", "6,y"));
        Path test = write("u.csv", rows("a,label", "1,x", "2,z"));
        refused("{format: csv, train: " + train + ", test: " + test + ", validation: 1}", "'z'");
    }

    @Test
    void aClassTooSmallToSplitIsNamed() throws IOException {
        Path f = write("t.csv", rows("a,label", "1,x", "2,x", "3,x", "4,x", "5,lonely"));
        refused("{format: csv, train: " + f + ", validation: 1}", "class 'lonely' has 1 example(s)");
    }

    @Test
    void aCorruptImageIsNamed() throws IOException {
        Path root = YourDataJourneyTest.images(dir.resolve("shapes"));
        Files.write(root.resolve("square/img-007.bmp"), new byte[]{'B', 'M', 1, 2, 3});
        refused("{format: images, train: " + root + ", validation: 3}", "img-007.bmp");
    }

    @Test
    void anEmptyImageFolderIsRefused() throws IOException {
        Path root = Files.createDirectories(dir.resolve("empty"));
        refused("{format: images, train: " + root + ", validation: 1}", root.toString());
    }

    @Test
    void textThatIsNotUtf8NamesItsLine() throws IOException {
        Path f = dir.resolve("t.jsonl");
        Files.write(f, List.of("{\"text\": \"fine\", \"label\": \"a\"}", "{\"text\": \"caf\u00e9\", \"label\": \"b\"}"), StandardCharsets.ISO_8859_1);
        refused("{format: jsonl, train: " + f + ", validation: 1}", f + ": line 2");
    }

    @Test
    void aMissingLabelFieldNamesItsLine() throws IOException {
        Path f = write("t.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"}\n");
        refused("{format: jsonl, train: " + f + ", validation: 1}", "label");
    }

    @Test
    void predictRefusesAMissingModelAndAnInputWithoutTheTrainingColumns() throws IOException {
        CliRun missing = CliRun.of("predict", "--model", dir.resolve("none.zip").toString(), "--input", dir.toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
        assertThat(missing.errorLine()).contains("none.zip");
        CliRun badOutput = CliRun.of("predict", "--model", "x.zip", "--input", dir.toString(), "--output", "p.txt");
        assertThat(badOutput.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badOutput.errorLine()).contains("expected a .csv or .jsonl file name");
    }
}
