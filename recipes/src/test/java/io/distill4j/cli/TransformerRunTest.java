package io.distill4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.model.transformer.TransformerZip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transformer family end to end through the real CLI on real IMDB reviews (the smoke config: 640 training reviews,
 * 64 ids, one epoch): the report lists every model, a student's zip classifies raw text on its own, and a run killed
 * with SIGKILL and resumed ends bitwise where an uninterrupted one does.
 */
class TransformerRunTest {
    static final List<String> CONFIG = List.of("--config", "../configs/imdb/online-ta-smoke.yaml", "--set", "data.root=../data/imdb");
    static final String[] MODELS = {"teacher", "assistant", "student-32", "student-16", "student-8",
            "student-32.twin", "student-16.twin", "student-8.twin"};

    @TempDir
    Path tmp;

    private static String[] train(Path run, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "-q", "--run-dir", run.toString()));
        args.addAll(CONFIG);
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Runs the CLI to its end, logging to {@code <log>.log}, and insists on exit 0. */
    private void complete(String log, String... args) throws Exception {
        Process p = KillResumeTest.start(tmp.resolve(log + ".log"), args);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve(log + ".log"))).isZero();
    }

    @Test
    void anImdbRunReportsEveryModelAndItsStudentsClassifyRawText() throws Exception {
        Path run = tmp.resolve("run");
        complete("run", train(run));

        JsonNode report = new ObjectMapper().readTree(run.resolve("report.json").toFile());
        assertThat(report.get("models")).hasSize(MODELS.length);
        for (JsonNode m : report.get("models")) {
            assertThat(m.get("family").asText()).isEqualTo("transformer");
            assertThat(m.get("params").asLong()).isPositive();
            assertThat(m.get("test").get("accuracy").asDouble()).isBetween(0.0, 1.0);
            assertThat(m.get("test").get("examples").asInt()).isEqualTo(256);
            assertThat(m.get("inference").get("latencyMsBatch1").asDouble()).isPositive();
        }
        assertThat(report.get("gains")).hasSize(3);
        assertThat(run.resolve("vocabulary.json")).exists();

        TransformerZip.Loaded student;
        try (InputStream in = Files.newInputStream(run.resolve("students/student-32.zip"))) {
            student = TransformerZip.read(in);
        }
        assertThat(student.entries()).containsKeys(TransformerZip.VOCABULARY, "distill4j-provenance.json");
        double[] good = student.classify("One of the best films I have seen: a wonderful story, great acting!");
        double[] bad = student.classify("Awful. The worst movie, a boring waste of time.");
        assertThat(good).hasSize(2);
        assertThat(good[0] + good[1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(bad[0] + bad[1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(good[1]).isNotEqualTo(bad[1]);
    }

    @Test
    void aKilledTransformerRunResumesToTheUninterruptedRunsBits() throws Exception {
        Path reference = tmp.resolve("reference");
        complete("reference", train(reference));

        Path run = tmp.resolve("killed");
        Process p = KillResumeTest.start(tmp.resolve("killed.log"), train(run));
        Path latest = run.resolve("checkpoints/latest");
        long deadline = System.currentTimeMillis() + 300_000;
        while (!Files.exists(latest) && p.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Thread.sleep(1500);                                   // a few steps past the first checkpoint
        assertThat(p.isAlive()).as("the run must still be going to be killed: " + Files.readString(tmp.resolve("killed.log"))).isTrue();
        p.destroyForcibly().waitFor();                        // SIGKILL: no handler, no cleanup
        assertThat(p.exitValue()).isEqualTo(137);
        complete("resumed", "resume", run.toString(), "-q");

        Path a = KillResumeTest.latest(run);
        Path b = KillResumeTest.latest(reference);
        for (String model : MODELS) {
            assertThat(Files.readAllBytes(a.resolve(model + ".zip"))).as(model).isEqualTo(Files.readAllBytes(b.resolve(model + ".zip")));
        }
        for (String student : new String[]{"student-32", "student-16", "student-8"}) {
            try (InputStream x = Files.newInputStream(run.resolve("students/" + student + ".zip"));
                 InputStream y = Files.newInputStream(reference.resolve("students/" + student + ".zip"))) {
                TransformerZip.Loaded ra = TransformerZip.read(x);
                TransformerZip.Loaded rb = TransformerZip.read(y);
                assertThat(ra.classify("not bad at all")).isEqualTo(rb.classify("not bad at all"));
            }
        }
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).isEqualTo(Files.readAllLines(reference.resolve("metrics.jsonl")));
    }
}
