package io.distill4j.data.user.table;

import io.distill4j.data.DataException;
import io.distill4j.data.user.Inspection;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static io.distill4j.data.user.table.TableFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableInspectTest {
    @TempDir
    Path dir;

    @Test
    void describesColumnsAndGuessesTheLabel() throws IOException {
        Path f = write(dir, "iris.csv", "sepal,colour,species,note\n1.5,red,setosa,a\n2.5,blue,virginica,b\nNA,red,setosa,c\n");
        Inspection i = TableFormat.csv().inspect(f);
        assertThat(i.format()).isEqualTo("csv");
        assertThat(i.examples()).isEqualTo(3);
        assertThat(i.dataKeys()).containsEntry("label", "species");
        assertThat(i.classCounts()).containsExactly(org.assertj.core.api.Assertions.entry("setosa", 2L),
                org.assertj.core.api.Assertions.entry("virginica", 1L));
        assertThat(i.details()).anyMatch(d -> d.contains("'sepal': numeric, min 1.5, max 2.5, 1 missing"));
        assertThat(i.details()).anyMatch(d -> d.contains("'colour': categorical, 2 distinct, top: red (2), blue (1)"));
        // 1 numeric + 2 colours + 3 notes
        assertThat(i.shape()).isEqualTo(new InputShape(1, 6, 1, 0));
    }

    @Test
    void labelGuessFallsBackToTheLastColumn() {
        assertThat(TableInspector.guessLabel(List.of("a", "b", "Target", "c"))).isEqualTo(2);
        assertThat(TableInspector.guessLabel(List.of("a", "b", "c"))).isEqualTo(2);
        assertThat(TableInspector.guessLabel(List.of("label", "class"))).isEqualTo(0);
    }

    @Test
    void tsvAndRefusals() throws IOException {
        Inspection i = TableFormat.tsv().inspect(write(dir, "t.tsv", "a\ty\n1\tp\n2\tq\n"));
        assertThat(i.dataKeys()).containsEntry("label", "y");
        assertThatThrownBy(() -> TableFormat.csv().inspect(write(dir, "e.csv", "")))
                .isInstanceOf(DataException.class).hasMessageContaining("e.csv: is empty");
        assertThatThrownBy(() -> TableFormat.csv().inspect(write(dir, "r.csv", "a,b\n1,2\n3\n")))
                .isInstanceOf(DataException.class).hasMessageContaining("r.csv:3: expected 2 fields");
    }
}
