package io.distill4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.run.RunDirectory;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.recipes.Recipes;
import io.distill4j.recipes.RunContext;
import io.distill4j.recipes.RunOutcome;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** report and compare: HTML contents, in-progress runs, dataset mismatch, not-a-run folders, schema versions, odd files. */
class ReportCompareTest {
    @TempDir
    static Path shared;
    static Path online;
    static Path scratch;
    static Path fashion;

    @TempDir
    Path tmp;

    static Path train(String config, String dataRoot, String name) {
        Path run = shared.resolve(name);
        CliRun r = CliRun.of("train", "-q", "--config", "../configs/" + config, "--set", "data.root=" + dataRoot, "--run-dir", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        return run;
    }

    @BeforeAll
    static void runs() {
        online = train("mnist/online-ta-smoke.yaml", "../data/mnist", "online");
        scratch = train("mnist/scratch-smoke.yaml", "../data/mnist", "scratch");
        fashion = train("fashion-mnist/online-ta-smoke.yaml", "../data/fashion-mnist", "fashion");
    }

    @Test
    void finishedRunHasAReportWithEveryFigureAndThePlots() throws IOException {
        JsonNode report = new ObjectMapper().readTree(online.resolve("report.json").toFile());
        assertThat(report.get("schemaVersion").asInt()).isEqualTo(4);
        assertThat(report.get("status").asText()).isEqualTo("complete");
        String html = Files.readString(online.resolve("report.html"));
        assertThat(html).doesNotContain("http://www.w3.org/Graphics").doesNotContain("<script src").doesNotContain("<link ");
        for (String plot : new String[]{"plot-accuracy", "plot-loss", "plot-ladder"}) {
            int at = html.indexOf("<figure id=\"" + plot + "\">");
            assertThat(at).as(plot).isPositive();
            assertThat(html.substring(at, at + 200)).contains("<svg");
        }
        for (JsonNode m : report.get("models")) {
            String name = m.get("name").asText();
            String acc = String.format(Locale.ROOT, "%.2f%%", 100 * m.get("test").get("accuracy").asDouble());
            assertThat(html).contains("<tr data-model=\"" + name + "\"><td>" + name + "</td>").contains(acc);
            assertThat(m.get("test").get("confusion")).hasSize(10);
            assertThat(m.get("test").get("perClassAccuracy")).hasSize(10);
            assertThat(m.get("test").get("macroF1").asDouble()).isBetween(0.0, 1.0);
            assertThat(m.get("inference").get("latencyMsBatch1").asDouble()).isPositive();
            assertThat(m.get("inference").get("samplesPerSecondBatch128").asDouble()).isPositive();
            assertThat(m.get("inference").get("threads").asInt()).isPositive();
            assertThat(m.get("exportBytes").asLong()).isPositive();
            // every model is a named series of the learning curves and a point of the ladder
            for (String plot : new String[]{"plot-accuracy", "plot-loss"}) {
                String fig = html.substring(html.indexOf("<figure id=\"" + plot + "\">"));
                assertThat(fig.substring(fig.indexOf("<figcaption>"), fig.indexOf("</figcaption>"))).contains(name);
            }
            String ladder = html.substring(html.indexOf("<figure id=\"plot-ladder\">"));
            assertThat(ladder.substring(ladder.indexOf("<figcaption>"), ladder.indexOf("</figcaption>"))).contains(name + " ").contains(acc);
        }
        JsonNode student = report.get("models").get(4);
        assertThat(student.get("compressionParams").asDouble()).isCloseTo(2395210.0 / 25450, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(student.get("test").get("agreement").asDouble()).isBetween(0.0, 1.0);
        assertThat(report.get("models").get(0).get("test").get("agreement").isNull()).isTrue();
        assertThat(report.get("curves").get(0).get("steps")).extracting(JsonNode::asLong).containsExactly(4L, 8L);
        assertThat(Files.readString(online.resolve("report.md"))).contains("| student-32 | student | mlp | assistant | 25,450 |");
    }

    @Test
    void aFinishedRunNamesItsClassesInEveryRendering() throws IOException {
        JsonNode mnist = new ObjectMapper().readTree(online.resolve("report.json").toFile());
        assertThat(mnist.get("classes")).extracting(JsonNode::asText).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        JsonNode report = new ObjectMapper().readTree(fashion.resolve("report.json").toFile());
        assertThat(report.get("classes")).extracting(JsonNode::asText).containsExactly("T-shirt/top", "Trouser", "Pullover", "Dress",
                "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
        String md = Files.readString(fashion.resolve("report.md"));
        assertThat(md).contains("## Per-class test accuracy (recall)").contains("| Ankle boot | ")
                .contains("## Confusion matrix: teacher (teacher, test)")
                .contains("| true \\ predicted | T-shirt/top | Trouser | Pullover | Dress | Coat | Sandal | Shirt | Sneaker | Bag | Ankle boot |");
        String html = Files.readString(fashion.resolve("report.html"));
        assertThat(html).contains("<tr><td>T-shirt/top</td>").contains("<th class=\"cls\">Ankle boot</th>")
                .contains("<table class=\"confusion\" data-model=\"teacher\">");
        // re-rendered by distill4j report, the names stay
        Path copy = copyOf(fashion, "fashion-again");
        CliRun again = CliRun.of("report", copy.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readString(copy.resolve("report.html"))).contains("<th class=\"cls\">Ankle boot</th>");
        // drawn from metrics.jsonl (which holds no per-class figures, so there is no per-class table to name)
        CliRun fromMetrics = CliRun.of("report", copy.toString(), "--from-metrics");
        assertThat(fromMetrics.exitCode()).as(fromMetrics.err()).isZero();
    }

    @Test
    void reportOfARunInProgressUsesItsLatestEvaluation() throws IOException {
        ConfigLoader loader = new ConfigLoader(Recipes.vocabulary());
        ResolvedConfig config = loader.load(Path.of("../configs/mnist/online-ta-smoke.yaml"), List.of("data.root=../data/mnist"));
        RunDirectory dir = RunDirectory.create(tmp, "x", tmp.resolve("partial"));
        RunListener stopAt6 = new RunListener() {
            @Override
            public void onStep(OnlineTrainer trainer, StepRecord record) {
                if (record.step() == 6) trainer.requestStop();
            }
        };
        RunOutcome outcome = Recipes.get("online").prepareTrain(new RunContext(config, dir, List.of("test"))).start(List.of(stopAt6));
        assertThat(outcome.completed()).isFalse();
        assertThat(dir.reportFile()).doesNotExist();

        CliRun r = CliRun.of("report", dir.root().toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("in-progress, step 4/8").contains("student-32");
        assertThat(Files.readString(dir.root().resolve("report.html"))).contains("in-progress").contains("plot-accuracy");
        assertThat(dir.reportFile()).doesNotExist();
    }

    @Test
    void compareMatchesStudentsByNameWithDeltasAndTheDifferences() {
        CliRun r = CliRun.of("compare", online.toString(), scratch.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("student-128").contains("delta vs online").contains(" pp")
                .contains("config models.students[0].learnsFrom: assistant | labels").contains("config models.teacher: defined | (none)");
        for (String format : new String[]{"md", "html", "csv", "json"}) {
            CliRun f = CliRun.of("compare", "--format", format, online.toString(), scratch.toString());
            assertThat(f.exitCode()).isZero();
            assertThat(f.out()).contains("student-64");
        }
        assertThat(CliRun.of("compare", "--format", "csv", online.toString(), scratch.toString()).out())
                .startsWith("student,params,online,scratch,delta vs online\n");
    }

    @Test
    void differentDatasetsAreFlaggedNotCompared() {
        CliRun r = CliRun.of("compare", online.toString(), fashion.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("WARNING: the runs are on different datasets [mnist, fashion-mnist]")
                .contains("n/a").doesNotContain(" pp").contains("dataset: mnist | fashion-mnist");
    }

    @Test
    void notARunNoReportAndOtherSchemasAreClearErrors() throws IOException {
        CliRun notRun = CliRun.of("compare", online.toString(), tmp.toString());
        assertThat(notRun.exitCode()).isEqualTo(ExitCodes.REPORT);
        assertThat(notRun.errorLine()).isEqualTo("distill4j: " + tmp + " is not a run folder (expected config.yaml from distill4j train)");

        Path noReport = tmp.resolve("noreport");
        Files.createDirectories(noReport);
        Files.copy(online.resolve("config.yaml"), noReport.resolve("config.yaml"));
        assertThat(CliRun.of("compare", online.toString(), noReport.toString()).errorLine()).contains("has no report.json");

        Path old = tmp.resolve("old");
        Files.createDirectories(old);
        for (String f : new String[]{"config.yaml", "metrics.jsonl", "provenance.json"}) Files.copy(online.resolve(f), old.resolve(f));
        Files.writeString(old.resolve("report.json"), Files.readString(online.resolve("report.json")).replace("\"schemaVersion\" : 4", "\"schemaVersion\" : 1"));
        CliRun oldSchema = CliRun.of("compare", online.toString(), old.toString());
        assertThat(oldSchema.exitCode()).isEqualTo(ExitCodes.REPORT);
        assertThat(oldSchema.errorLine()).contains("has report schema version 1, this distill4j reads versions 3 to 4")
                .contains("distill4j report " + old + " --from-metrics");
        assertThat(CliRun.of("report", old.toString()).exitCode()).isEqualTo(ExitCodes.REPORT);
        CliRun rebuilt = CliRun.of("report", old.toString(), "--from-metrics");
        assertThat(rebuilt.exitCode()).as(rebuilt.err()).isZero();
        assertThat(rebuilt.out()).contains("step 8/8");
    }

    /** A copy of a finished run's files that report and compare read (no checkpoints or students). */
    private Path copyOf(Path run, String name) throws IOException {
        Path copy = Files.createDirectories(tmp.resolve(name));
        for (String f : new String[]{"config.yaml", "metrics.jsonl", "provenance.json", "report.json"}) Files.copy(run.resolve(f), copy.resolve(f));
        return copy;
    }

    @Test
    void reportsWithOddFieldsAreRefusedNamingTheFileAndTheFieldNeverRenderedAsInfinity() throws IOException {
        String pinned = Files.readString(online.resolve("report.json"));
        // models[2] is the first student (after the teacher and the assistant): compare shows its accuracy
        String[][] cases = {
                {"(?s)(?<head>\"role\" : \"student\".*?\"accuracy\" : )[0-9.E-]+", "${head}1e308",
                        "models[2].test.accuracy must be a number in [0, 1], got 1.0E308"},
                {"(?s)(?<head>\"role\" : \"student\".*?\"params\" : )[0-9]+", "${head}0", "models[2].params must be an integer > 0, got 0"},
                {"\"schemaVersion\" : 4", "\"schemaVersion\" : \"4\"", "schemaVersion must be an integer, got \"4\""},
                {"(?s)\"models\" : \\[.*?\n  \"gains\"", "\"models\" : null,\n  \"gains\"", "models must be a non-empty array of models, got null"}};
        for (String[] c : cases) {
            Path odd = copyOf(online, "odd-" + c[2].substring(0, c[2].indexOf(' ')));
            Files.writeString(odd.resolve("report.json"), pinned.replaceFirst(c[0], c[1]));
            for (String[] args : new String[][]{{"compare", online.toString(), odd.toString()}, {"report", odd.toString()}}) {
                CliRun r = CliRun.of(args);
                assertThat(r.exitCode()).as(args[0] + " " + c[2]).isEqualTo(ExitCodes.REPORT);
                assertThat(r.errorLine()).startsWith("distill4j: " + odd.resolve("report.json") + ": " + c[2]);
                assertThat(r.out()).doesNotContain("Infinity").doesNotContain("NaN");
            }
        }
    }

    @Test
    void aLineOfMetricsThatIsNotUtf8IsSkippedByReport() throws IOException {
        Path run = copyOf(online, "bytes");
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.jsonl"));
        int secondLine = new String(metrics, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(metrics, 0, secondLine);
        out.write(new byte[]{'{', '"', (byte) 0xFF, '"', ':', '1', '}', '\n'});
        out.write(metrics, secondLine, metrics.length - secondLine);
        Files.write(run.resolve("metrics.jsonl"), out.toByteArray());
        CliRun r = CliRun.of("report", run.toString(), "--from-metrics");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("step 8/8").contains("student-32");
    }
}
