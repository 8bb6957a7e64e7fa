package io.distill4j.report;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The report.json format is pinned by a file of the current schema (test resources, {@code tiny-schema-4/}: the
 * report of a real run, {@code tiny-schema-3/}, with the {@code classes} schema 4 added): changing the format means
 * bumping {@link RunReport#SCHEMA_VERSION} and checking in a report of the new version. Older versions still read are
 * pinned too ({@code tiny-schema-3/}). A report.json that breaks the schema is refused naming the file and the field.
 */
class ReportSchemaTest {
    static final Path PINNED = resource("tiny-schema-4");
    /** A report of schema 3, written by a real run before reports named their classes. */
    static final Path PINNED_3 = resource("tiny-schema-3");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(ReportSchemaTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void thePinnedReportOfTheCurrentSchemaReadsWithEveryField() {
        // fails when the version is bumped: check in a report of the new schema next to this one and point the test at it
        assertThat(RunReport.SCHEMA_VERSION).isEqualTo(4);
        RunReport r = RunReports.read(PINNED);
        assertThat(r.schemaVersion()).isEqualTo(4);
        assertThat(r.run()).isEqualTo("tiny-schema-3");
        assertThat(r.dataset()).isEqualTo("mnist");
        assertThat(r.classes()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(r.classNames()).isEqualTo(r.classes());
        assertThat(r.status()).isEqualTo(RunReport.COMPLETE);
        assertThat(r.steps()).isEqualTo(16);
        assertThat(r.totalSteps()).isEqualTo(16);
        assertThat(r.trainingSeconds()).isEqualTo(0.719396823);

        assertThat(r.models()).extracting(ModelSummary::name).containsExactly("teacher", "student-16", "student-16.twin");
        assertThat(r.models()).extracting(ModelSummary::role).containsExactly("teacher", "student", "twin");
        assertThat(r.models()).extracting(ModelSummary::learnsFrom).containsExactly("labels", "teacher", "labels");
        assertThat(r.models()).extracting(ModelSummary::params).containsExactly(25450L, 12730L, 12730L);
        assertThat(r.models()).extracting(ModelSummary::twinOf).containsExactly(null, null, "student-16");
        ModelSummary teacher = r.models().get(0);
        assertThat(teacher.exportBytes()).isEqualTo(95514L);
        assertThat(teacher.compressionParams()).isEqualTo(1.0);
        assertThat(teacher.test().accuracy()).isEqualTo(0.49);
        assertThat(teacher.test().loss()).isEqualTo(1.8106677265665896);
        assertThat(teacher.test().macroF1()).isEqualTo(0.4272735597735598);
        assertThat(teacher.test().agreement()).isNull();
        assertThat(teacher.test().examples()).isEqualTo(100);
        assertThat(teacher.test().perClassAccuracy()).hasSize(10).startsWith(1.0, 0.35714285714285715);
        assertThat(teacher.test().confusion()).hasDimensions(10, 10);
        assertThat(Arrays.stream(teacher.test().confusion()).flatMapToLong(Arrays::stream).sum()).isEqualTo(100);
        assertThat(teacher.test().confusion()[0]).containsExactly(8, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(teacher.validation().accuracy()).isEqualTo(0.53125);
        assertThat(teacher.inference().latencyMsBatch1()).isEqualTo(0.245397);
        assertThat(teacher.inference().threads()).isEqualTo(1);
        assertThat(teacher.inference().repeats()).isEqualTo(50);
        ModelSummary student = r.models().get(1);
        assertThat(student.compressionParams()).isCloseTo(25450.0 / 12730, within(1e-12));
        assertThat(student.compressionBytes()).isCloseTo(95514.0 / 48424, within(1e-12));
        assertThat(student.test().agreement()).isEqualTo(0.34);

        assertThat(r.gains()).containsExactly(new StudentGain("student-16", "student-16.twin", 0.32, 0.46, -14.000000000000002,
                0.26171875, 0.37109375, -10.9375));
        assertThat(r.curves()).extracting(Curve::model).containsExactly("teacher", "student-16", "student-16.twin");
        assertThat(r.curves().get(1).steps()).containsExactly(8L, 16L);
        assertThat(r.curves().get(1).accuracy()).containsExactly(0.21875, 0.26171875);
        assertThat(r.curves().get(1).loss()).containsExactly(2.2157512265096573, 2.1276227193617787);

        Provenance p = r.provenance();
        assertThat(p.seed()).isEqualTo(42);
        assertThat(p.dataset()).isEqualTo("mnist");
        assertThat(p.configHash()).isEqualTo("7f1eb2593cdc12d93fbc7a75a1c8d157edd60bdb224cd88f4bed02287095e273");
        assertThat(p.runtime().binary()).isEqualTo("linux-x86_64-avx2");
        assertThat(p.runtime().cpuCores()).isEqualTo(2);
        assertThat(p.dataSha256()).hasSize(4).containsEntry("t10k-labels-idx1-ubyte",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
        assertThat(p.commandLine()).startsWith("distill4j", "train");
        assertThat(p.resumes()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pinnedReports")
    void writingAPinnedReportGivesBackTheSameJson(String name) throws IOException {
        // a field added to, renamed in or dropped from the records changes the written JSON: that is a new schema version.
        // A schema-3 report (re-written by distill4j report) stays schema 3: no classes field appears in it
        Path pinned = resource(name);
        RunDirectory dir = RunDirectory.open(tmp);
        dir.writeJson(dir.reportFile(), RunReports.read(pinned));
        assertThat(JSON.readTree(dir.reportFile().toFile())).isEqualTo(JSON.readTree(pinned.resolve("report.json").toFile()));
    }

    static Stream<String> pinnedReports() {
        return Stream.of("tiny-schema-4", "tiny-schema-3");
    }

    @Test
    void aSchema3ReportWithoutClassNamesStillReadsAndRendersItsClassesByIndex() {
        RunReport r = RunReports.read(PINNED_3);
        assertThat(r.schemaVersion()).isEqualTo(3);
        assertThat(r.classes()).isNull();
        assertThat(r.classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(r.models().get(0).test().accuracy()).isEqualTo(0.49);
        String md = ReportRenderer.markdown(r);
        assertThat(md).contains("| class | teacher | student-16 | student-16.twin |")
                .contains("| 0 | 100.0% | 75.0% |")
                .contains("## Confusion matrix: teacher (teacher, test)")
                .contains("| true \\ predicted | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 |")
                .contains("| 0 | **8** | 0 | 0 |");
        String html = ReportRenderer.html(r);
        assertThat(html).contains("<th class=\"cls\">9</th>").contains("<tr><td>9</td><td>27.3%</td>");
    }

    @Test
    void aSchema3ReportWithClassNamesIsRefused() throws IOException {
        Path run = runWith(PINNED_3, "/classes", "[\"a\"]");
        assertThatThrownBy(() -> RunReports.read(run)).isInstanceOf(ReportException.class)
                .hasMessage(run.resolve("report.json") + ": classes is not a field of report schema 3");
    }

    @Test
    void aSchema3ReportIsCheckedAgainstSchema3AtEveryLevel() throws IOException {
        Path run = runWith(PINNED_3, "/models/0/test/colour", "\"red\"");
        assertThatThrownBy(() -> RunReports.read(run)).hasMessage(run.resolve("report.json") + ": models[0].test.colour is not a field of report schema 3");
    }

    @Test
    void theProvenanceOfASchema3ReportIsCheckedAgainstSchema3() throws IOException {
        Path provenance = runWith(PINNED_3, "/provenance/colour", "\"red\"");
        assertThatThrownBy(() -> RunReports.read(provenance)).hasMessage(provenance.resolve("report.json")
                + ": provenance.colour is not a field of report schema 3");
    }

    @Test
    void aSchemaNewerThanThisDistill4jIsRefused() throws IOException {
        Path run = runWith("/schemaVersion", "5");
        assertThatThrownBy(() -> RunReports.read(run)).isInstanceOf(ReportException.class)
                .hasMessageContaining("has report schema version 5, this distill4j reads versions 3 to 4");
    }

    static Stream<Arguments> brokenFields() {
        return Stream.of(
                Arguments.of("/schemaVersion", "\"3\"", "schemaVersion must be an integer, got \"3\""),
                Arguments.of("/schemaVersion", "2.9", "schemaVersion must be an integer, got 2.9"),
                Arguments.of("/schemaVersion", "3.0", "schemaVersion must be an integer, got 3.0"),
                Arguments.of("/schemaVersion", null, "schemaVersion must be an integer, got (missing)"),
                Arguments.of("/run", "\"\"", "run must be a non-empty string, got \"\""),
                Arguments.of("/status", "\"done\"", "status must be one of complete, in-progress, got \"done\""),
                Arguments.of("/trainingSeconds", "-1", "trainingSeconds must be a number >= 0, got -1"),
                Arguments.of("/steps", "\"16\"", "steps must be an integer >= 0, got \"16\""),
                Arguments.of("/models", "null", "models must be a non-empty array of models, got null"),
                Arguments.of("/models", "[]", "models must be a non-empty array of models, got []"),
                Arguments.of("/models/0/test", null, "models[0].test must be an object with the test figures (the report is complete), got (missing)"),
                Arguments.of("/models/2/test/accuracy", "1e308", "models[2].test.accuracy must be a number in [0, 1], got 1.0E308"),
                Arguments.of("/models/1/validation/loss", "NaN", "models[1].validation.loss must be a number >= 0, got NaN"),
                Arguments.of("/models/0/test/macroF1", "\"NaN\"", "models[0].test.macroF1 must be a number in [0, 1], got \"NaN\""),
                Arguments.of("/models/1/test/agreement", "Infinity", "models[1].test.agreement must be a number in [0, 1], got Infinity"),
                Arguments.of("/models/0/test/perClassAccuracy/3", "-0.5", "models[0].test.perClassAccuracy[3] must be a number in [0, 1], got -0.5"),
                Arguments.of("/models/0/test/confusion/1/2", "-1", "models[0].test.confusion[1][2] must be an integer >= 0, got -1"),
                Arguments.of("/models/0/test/examples", "0", "models[0].test.examples must be an integer > 0, got 0"),
                Arguments.of("/models/1/params", "0", "models[1].params must be an integer > 0, got 0"),
                Arguments.of("/models/1/params", "12730.5", "models[1].params must be an integer > 0, got 12730.5"),
                Arguments.of("/models/0/name", "\"\"", "models[0].name must be a non-empty string, got \"\""),
                Arguments.of("/models/1/name", "\"teacher\"", "models[1].name must be a name no other model has, got \"teacher\""),
                Arguments.of("/models/0/role", "\"boss\"", "models[0].role must be one of teacher, assistant, student, twin, got \"boss\""),
                Arguments.of("/models/2/twinOf", "\"nobody\"", "models[2].twinOf must be the name of a model of the report, got \"nobody\""),
                Arguments.of("/models/1/compressionBytes", "0", "models[1].compressionBytes must be a number > 0, got 0"),
                Arguments.of("/models/0/inference/threads", "0", "models[0].inference.threads must be an integer > 0, got 0"),
                Arguments.of("/models/0/colour", "\"red\"", "models[0].colour is not a field of report schema 4"),
                Arguments.of("/classes", "\"0123456789\"", "classes must be an array of distinct non-empty strings (the class names), got \"0123456789\""),
                Arguments.of("/classes/3", "\"\"", "classes[3] must be a non-empty string, got \"\""),
                Arguments.of("/classes/3", "3", "classes[3] must be a non-empty string, got 3"),
                Arguments.of("/classes/9", "\"0\"", "classes[9] must be a class name no other class has, got \"0\""),
                Arguments.of("/classes", "[\"0\", \"1\"]", "models[0].test.perClassAccuracy must be an array with one value per class of classes (2), got ["),
                Arguments.of("/models/1/validation/confusion/9", "[0, 1]", "models[1].validation.confusion must be a 10 x 10 matrix, one row and column per class of classes, got ["),
                Arguments.of("/gains/0/gainPp", "1e308", "gains[0].gainPp must be a number in [-100, 100], got 1.0E308"),
                Arguments.of("/gains/0/twin", "\"nobody\"", "gains[0].twin must be the name of a model of the report, got \"nobody\""),
                Arguments.of("/curves/1/accuracy/1", "2", "curves[1].accuracy[1] must be a number in [0, 1], got 2"),
                Arguments.of("/curves/1/loss", "[1.0]", "curves[1].loss must be an array with one value per step (2), got [1.0]"),
                Arguments.of("/provenance", null, "provenance must be an object, got (missing)"),
                Arguments.of("/provenance/seed", "\"42\"", "provenance.seed must be an integer, got \"42\""),
                Arguments.of("/provenance/commandLine", "\"train\"", "provenance.commandLine must be an array of strings, got \"train\""));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("brokenFields")
    void aReportBreakingTheSchemaIsRefusedNamingTheFileAndTheField(String pointer, String rawJson, String expected) throws IOException {
        Path run = runWith(pointer, rawJson);
        assertThatThrownBy(() -> RunReports.read(run)).isInstanceOf(ReportException.class)
                .hasMessageStartingWith(run.resolve("report.json") + ": " + expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aVersionThatIsNotAnIntegerSaysHowToRegenerate() throws IOException {
        Path run = runWith("/schemaVersion", "2.9");
        assertThatThrownBy(() -> RunReports.read(run)).hasMessageEndingWith("this distill4j reads versions 3 to 4; regenerate it with: distill4j report "
                + run + " --from-metrics");
    }

    /** A run folder whose report.json is the pinned one with the value at {@code pointer} replaced by raw JSON (null: removed). */
    private Path runWith(String pointer, String rawJson) throws IOException {
        return runWith(PINNED, pointer, rawJson);
    }

    private Path runWith(Path pinned, String pointer, String rawJson) throws IOException {
        ObjectNode tree = (ObjectNode) JSON.readTree(pinned.resolve("report.json").toFile());
        JsonPointer at = JsonPointer.compile(pointer);
        JsonNode parent = tree.at(at.head());
        String marker = "@replaced@";
        if (parent instanceof ArrayNode array) {
            array.set(at.last().getMatchingIndex(), marker);
        } else if (rawJson == null) {
            ((ObjectNode) parent).remove(at.last().getMatchingProperty());
        } else {
            ((ObjectNode) parent).put(at.last().getMatchingProperty(), marker);
        }
        String text = JSON.writeValueAsString(tree).replace("\"" + marker + "\"", String.valueOf(rawJson));
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.copy(pinned.resolve("config.yaml"), run.resolve("config.yaml"));
        Files.writeString(run.resolve("report.json"), text);
        return run;
    }
}
