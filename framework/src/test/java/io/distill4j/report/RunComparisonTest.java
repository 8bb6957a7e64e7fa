package io.distill4j.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.distill4j.report.ReportSchemaTest.PINNED;
import static org.assertj.core.api.Assertions.assertThat;

/** compare's Markdown and HTML keep whatever names the runs hold as text. */
class RunComparisonTest {
    @TempDir
    Path tmp;

    /** The pinned run with its student (and the student's twin) renamed. */
    private Path runWithStudent(String folder, String jsonName) throws IOException {
        Path run = Files.createDirectories(tmp.resolve(folder));
        Files.copy(PINNED.resolve("config.yaml"), run.resolve("config.yaml"));
        Files.writeString(run.resolve("report.json"), Files.readString(PINNED.resolve("report.json")).replace("student-16", jsonName));
        return run;
    }

    @Test
    void namesWithPipesNewlinesAndMarkupStayText() throws IOException {
        Path plain = runWithStudent("plain", "s|<b>x</b>");
        Path odd = runWithStudent("odd<i>|", "s|<b>x</b>\\nnext");
        RunComparison c = RunComparison.of(List.of(plain, odd));
        String md = c.render("md");
        List<String> rows = md.lines().filter(l -> l.startsWith("| s\\|")).toList();
        assertThat(rows).containsExactly("| s\\|&lt;b>x&lt;/b> | 12,730 | 32.00% | - | n/a |", "| s\\|&lt;b>x&lt;/b> next | 12,730 | - | 32.00% | n/a |");
        assertThat(md).contains("| student | params | plain | odd&lt;i>\\| | delta vs plain |");
        String html = c.render("html");
        assertThat(html).doesNotContain("<b>").doesNotContain("<i>").contains("<td>s|&lt;b&gt;x&lt;/b&gt;</td>").contains("<th>odd&lt;i&gt;|</th>");
    }

    @Test
    void aKeySetInOneTeacherOnlyIsListedByItselfNotAsDefinedVersusDefined() throws IOException {
        Path plain = runWithStudent("plain", "student-16");
        Path other = runWithStudent("other", "student-16");
        // temperature: null in one run, 2.0 in the other: both runs define the teacher
        String config = Files.readString(other.resolve("config.yaml"));
        Files.writeString(other.resolve("config.yaml"), config.replaceFirst("(?s)(  teacher:.*?)temperature: null", "$1temperature: 2.0"));
        String text = RunComparison.of(List.of(plain, other)).render("table");
        assertThat(text).contains("config models.teacher.temperature: null | 2.0").doesNotContain("defined | defined");
    }
}
