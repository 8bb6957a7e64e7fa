package io.distill4j.data.user.text;

import io.distill4j.data.user.Inspection;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.distill4j.data.user.text.TextFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

class TextInspectTest {
    @TempDir
    Path dir;

    @Test
    void aJsonlFileIsDescribedWithLengthsAndSuggestedKeys() throws Exception {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            s.append("{\"text\": \"").append("word ".repeat(i)).append("w").append(i).append("\", \"label\": ").append(i % 2).append("}\n");
        }
        Path f = write(dir.resolve("reviews.jsonl"), s.toString());
        Inspection in = TextFormat.jsonl().inspect(f);
        assertThat(in.format()).isEqualTo("jsonl");
        assertThat(in.examples()).isEqualTo(20);
        assertThat(in.classCounts()).containsExactly(Map.entry("0", 10L), Map.entry("1", 10L));
        // words per text 2..21: median (nearest rank) 11, 95th percentile 20
        assertThat(in.details()).contains("words per text: min 2, median 11, 95th percentile 20, max 21", "distinct words: 21");
        assertThat(in.dataKeys()).containsExactly(Map.entry("text", "text"), Map.entry("label", "label"),
                Map.entry("maxLength", 21), Map.entry("vocabSize", 24));
        assertThat(in.shape()).isEqualTo(InputShape.text(21, 24));
    }

    @Test
    void aCsvFileWithOtherColumnNamesHasThemGuessed() throws Exception {
        Path f = write(dir.resolve("data.csv"), "sentiment,review\npos,\"a long and lovely review\"\nneg,\"short, bad\"\n");
        Inspection in = TextFormat.csv().inspect(f);
        assertThat(in.format()).isEqualTo("text-csv");
        assertThat(in.dataKeys()).containsEntry("text", "review").containsEntry("label", "sentiment");
        assertThat(in.classCounts()).containsExactly(Map.entry("neg", 1L), Map.entry("pos", 1L));
    }

    @Test
    void aFolderOfClassFoldersIsTextFolders() throws Exception {
        write(dir.resolve("train/pos/1.txt"), "great");
        write(dir.resolve("train/pos/2.txt"), "great fun");
        write(dir.resolve("train/neg/3.txt"), "dull");
        Inspection in = TextFormat.jsonl().inspect(dir.resolve("train"));   // the layout, not the caller, decides
        assertThat(in.format()).isEqualTo("text-folders");
        assertThat(in.classCounts()).containsExactly(Map.entry("neg", 1L), Map.entry("pos", 2L));
        assertThat(in.dataKeys()).containsOnlyKeys("maxLength", "vocabSize");
    }

    @Test
    void longTextsCapTheSuggestedLength() throws Exception {
        Path f = write(dir.resolve("long.jsonl"), "{\"text\": \"" + "many words ".repeat(400) + "\", \"label\": \"a\"}\n");
        assertThat(TextFormat.jsonl().inspect(f).dataKeys()).containsEntry("maxLength", TextInspector.MAX_SUGGESTED_LENGTH);
    }
}
