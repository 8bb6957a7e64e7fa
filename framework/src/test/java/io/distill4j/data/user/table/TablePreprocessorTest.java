package io.distill4j.data.user.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.data.DataException;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.user.RawExample;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.distill4j.data.user.table.TableFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TablePreprocessorTest {
    @TempDir
    Path dir;

    private static byte[] fixture() throws IOException {
        try (InputStream in = TablePreprocessorTest.class.getResourceAsStream("/fixtures/table/preprocessing.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void committedFixtureReadsBackAndPredicts() throws IOException {
        Preprocessor p = Preprocessors.read(Map.of(Preprocessor.ENTRY, fixture()), "fixture.zip").orElseThrow();
        assertThat(p.kind()).isEqualTo("table");
        assertThat(p.classes()).containsExactly("setosa", "versicolor");
        assertThat(p.shape()).isEqualTo(new InputShape(1, 3, 1, 0));
        // extra columns and any column order are fine; the label column is optional
        Path csv = write(dir, "new.csv", "id,colour,petal_length\n7,red,3\n8,purple,NA\n");
        List<RawExample> rows = new ArrayList<>();
        p.read(csv, rows::add);
        assertThat(rows).extracting(RawExample::id).containsExactly("new.csv:2", "new.csv:3");
        assertThat(rows.get(0).features()).containsExactly(2f, 0f, 1f);
        assertThat(rows.get(1).features()).containsExactly(0f, 0f, 0f);   // missing → mean; unseen → zeros
        assertThat(rows.get(0).label()).isNull();
    }

    @Test
    void preparationWritesTheFixturesLayout() throws IOException {
        Path train = write(dir, "iris.csv", "petal_length,colour,species\n1.5,red,setosa\n2.5,blue,versicolor\n");
        Result r = prepare(spec("csv", train, null, "species", List.of(), List.of(), "mean", "zeros"), allTrain());
        ObjectMapper m = new ObjectMapper();
        assertThat(m.readTree(r.pre().entries().get(Preprocessor.ENTRY))).isEqualTo(m.readTree(fixture()));
    }

    @Test
    void labelColumnIsReadWhenPresent() throws IOException {
        Preprocessor p = Preprocessors.read(Map.of(Preprocessor.ENTRY, fixture()), "fixture.zip").orElseThrow();
        List<RawExample> rows = new ArrayList<>();
        p.read(write(dir, "t.csv", "petal_length,colour,species\n2,blue,versicolor\n"), rows::add);
        assertThat(rows.get(0).label()).isEqualTo("versicolor");
    }

    @Test
    void predictionRefusesWhatDoesNotFit() throws IOException {
        Preprocessor p = Preprocessors.read(Map.of(Preprocessor.ENTRY, fixture()), "fixture.zip").orElseThrow();
        assertThatThrownBy(() -> p.read(write(dir, "a.csv", "colour\nred\n"), r -> { }))
                .isInstanceOf(DataException.class).hasMessageContaining("a.csv:1:").hasMessageContaining("petal_length");
        assertThatThrownBy(() -> p.read(write(dir, "b.csv", "petal_length,colour\n1,red\nx,red\n"), r -> { }))
                .isInstanceOf(DataException.class).hasMessageContaining("b.csv:3:1: expected a number in column 'petal_length'");
        assertThatThrownBy(() -> p.read(write(dir, "c.csv", "petal_length,colour\n1,red\n1\n"), r -> { }))
                .isInstanceOf(DataException.class).hasMessageContaining("c.csv:3: expected 2 fields");
    }

    @Test
    void malformedEntriesAreRefused() throws IOException {
        String good = new String(fixture());
        refused(good.replace("\"numeric\"", "\"number\""), "type must be numeric or categorical");
        refused(good.replace("\"std\" : 0.5", "\"std\" : 0"), "std must be > 0");
        refused(good.replace("\"std\" : 0.5", "\"std\" : \"x\""), "field std must be a finite number");
        refused(good.replace("\"delimiter\" : \",\"", "\"delimiter\" : \",,\""), "delimiter must be one character");
        refused(good.replace("\"missing\" : \"mean\"", "\"missing\" : \"drop\""), "missing must be error, mean or zero");
        refused(good.replace("\"classes\" : [ \"setosa\", \"versicolor\" ]", "\"classes\" : \"setosa\""), "classes must be an array");
        refused(good.replace("\"categories\" : [ \"blue\", \"red\" ]", "\"categories\" : [ 1 ]"), "must hold only strings");
        refused(good.replace("\"version\" : 1", "\"version\" : 9"), "newer Distill4J");
    }

    private static void refused(String json, String part) {
        assertThatThrownBy(() -> Preprocessors.read(Map.of(Preprocessor.ENTRY, json.getBytes()), "m.zip"))
                .isInstanceOf(DataException.class).hasMessageContaining("m.zip").hasMessageContaining(part);
    }
}
