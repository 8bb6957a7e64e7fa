package io.distill4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.model.transformer.TransformerZip;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * configs/imdb/titan-smoke.yaml end to end through the real CLI (issue 13: loss terms with attention, ALD, a warm-started
 * assistant, init:): a run killed mid-warm-start resumes bitwise to the uninterrupted run, its step lines carry each
 * distilled model's terms, its exported students are deployable one-layer models without the auxiliary layer, and a model
 * can start from a saved zip (or, of another width, is refused with exit 4 in one line). One uninterrupted run serves
 * every test; four more CLI processes in all (killed, resumed, init, refused init).
 */
class TitanRunTest {
    /** Checkpoints at 4, 8, 12, 16, 20: burn-in ends after step 5 and the assistant's warm start after step 8. */
    static final List<String> CONFIG = List.of("--config", "../configs/imdb/titan-smoke.yaml", "--set", "data.root=../data/imdb",
            "--set", "checkpoint.every=4");
    static final String[] MODELS = {"teacher", "assistant", "student-32", "student-16", "student-8",
            "student-32.twin", "student-16.twin", "student-8.twin"};
    static final String[] STUDENTS = {"student-32", "student-16", "student-8"};
    static final int WARM_START = 8;

    @TempDir
    static Path shared;
    static Path reference;

    @TempDir
    Path tmp;

    static String[] train(Path run, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "-q", "--run-dir", run.toString()));
        args.addAll(CONFIG);
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Runs the CLI to its end, logging to {@code <dir>/<log>.log}, and insists on exit 0. */
    static void complete(Path dir, String log, String... args) throws Exception {
        Process p = KillResumeTest.start(dir.resolve(log + ".log"), args);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve(log + ".log"))).isZero();
    }

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        reference = shared.resolve("reference");
        complete(shared, "reference", train(reference));
    }

    @Test
    void aRunKilledDuringTheWarmStartResumesAcrossItToTheUninterruptedRunsBits() throws Exception {
        Path run = tmp.resolve("killed");
        Process p = KillResumeTest.start(tmp.resolve("killed.log"), train(run));
        Path latest = run.resolve("checkpoints/latest");
        long deadline = System.currentTimeMillis() + 300_000;
        while (!Files.exists(latest) && p.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(10);
        Thread.sleep(300);                                    // into the steps after the first checkpoint (step 4)
        assertThat(p.isAlive()).as("the run must still be going to be killed: " + Files.readString(tmp.resolve("killed.log"))).isTrue();
        p.destroyForcibly().waitFor();                        // SIGKILL: no handler, no cleanup
        assertThat(p.exitValue()).isEqualTo(137);
        long from = Long.parseLong(Files.readString(latest).trim().replace("step-", ""));
        // the resume starts inside the warm start (and burn-in) and must cross into distillation: the phase a checkpoint
        // does not name, only the step, so the resumed loop must derive it
        assertThat(from).as("checkpoint the resume starts from").isPositive().isLessThan(WARM_START);
        complete(tmp, "resumed", "resume", run.toString(), "-q");

        Path a = KillResumeTest.latest(run);
        Path b = KillResumeTest.latest(reference);
        assertThat(a.getFileName().toString()).isEqualTo("step-00000020");
        for (String model : MODELS) {
            // the training state: every parameter (the auxiliary layers too) and the Adam moments
            assertThat(Files.readAllBytes(a.resolve(model + ".zip"))).as(model).isEqualTo(Files.readAllBytes(b.resolve(model + ".zip")));
        }
        for (String student : STUDENTS) {
            assertThat(parameters(run.resolve("students/" + student + ".zip")))
                    .as(student).isEqualTo(parameters(reference.resolve("students/" + student + ".zip")));
        }
        // per-term values included: the resumed steps learned exactly what the uninterrupted ones did
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).isEqualTo(Files.readAllLines(reference.resolve("metrics.jsonl")));
    }

    @Test
    void stepLinesCarryTheTermsOfEveryDistilledModelInTheirOrder() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> steps = new ArrayList<>();
        for (String line : Files.readAllLines(reference.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(line);
            if ("step".equals(n.path("type").asText())) steps.add(n);
        }
        assertThat(steps).extracting(n -> n.get("step").asLong()).containsExactly(5L, 10L, 15L, 20L);
        for (JsonNode s : steps) {
            JsonNode terms = s.get("terms");
            if (s.get("step").asLong() <= WARM_START) {
                // labels alone (burn-in, the assistant's warm start): the other terms would compare against zeros, so no
                // model breaks its loss down
                assertThat(terms).as("step " + s.get("step")).isNull();
                continue;
            }
            assertThat(terms).as("step " + s.get("step")).isNotNull();
            List<String> names = new ArrayList<>();
            terms.fieldNames().forEachRemaining(names::add);
            // the teacher and the twins learn from labels alone: one term, nothing to break down
            assertThat(names).as("step " + s.get("step")).containsExactly("assistant", "student-32", "student-16", "student-8");
            for (String model : names) {
                JsonNode t = terms.get(model);
                List<String> labels = new ArrayList<>();
                t.fieldNames().forEachRemaining(labels::add);
                assertThat(labels).as(model).containsExactly("labels", "logits", "attention");
                for (String label : labels) assertThat(t.get(label).asDouble()).as(model + " " + label).isFinite().isGreaterThanOrEqualTo(0);
                // the labels term is the cross-entropy: positive (two classes: about ln 2 at the start)
                assertThat(t.get("labels").asDouble()).as(model).isPositive();
                // distilling: the attention maps of learner and publisher differ, the KL is positive
                assertThat(t.get("attention").asDouble()).as(model + " attention at " + s.get("step")).isPositive();
                // the step's loss is the weighted sum 0.5 labels + 0.5 logits + 1.0 attention
                double sum = 0.5 * t.get("labels").asDouble() + 0.5 * t.get("logits").asDouble() + t.get("attention").asDouble();
                assertThat(s.get("loss").get(model).asDouble()).as(model + " loss").isCloseTo(sum, Offset.offset(1e-4 * (1 + sum)));
            }
        }
    }

    @Test
    void exportedStudentsAreOneLayerWithoutTheAuxiliaryLayerAndClassifyRawText() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String student : STUDENTS) {
            Path zip = reference.resolve("students/" + student + ".zip");
            assertThat(json.readTree(entry(zip, TransformerZip.SPEC)).get("layers").asInt()).as(student).isEqualTo(1);
            List<String> exported = parameterNames(entry(zip, TransformerZip.PARAMETERS));
            assertThat(exported).as(student).isNotEmpty().noneMatch(n -> n.startsWith("aux_") || n.startsWith("proj_"));
            // ... while training carried the auxiliary layer (the checkpoint's state), where the attention term bound
            List<String> trained = stateNames(Files.readAllBytes(KillResumeTest.latest(reference).resolve(student + ".zip")));
            assertThat(trained).as(student).anyMatch(n -> n.startsWith("aux_"));
            assertThat(trained).containsAll(exported);

            TransformerZip.Loaded loaded;
            try (InputStream in = Files.newInputStream(zip)) {
                loaded = TransformerZip.read(in);
            }
            assertThat(loaded.model().parameterCount()).isEqualTo(loaded.model().spec().parameters());
            double[] good = loaded.classify("a wonderful film");
            double[] bad = loaded.classify("an awful, boring waste of time");
            assertThat(good).hasSize(2);
            assertThat(good[0] + good[1]).isCloseTo(1.0, Offset.offset(1e-9));
            assertThat(bad[0] + bad[1]).isCloseTo(1.0, Offset.offset(1e-9));
            assertThat(good[1]).isBetween(0.0, 1.0).isNotEqualTo(bad[1]);
        }
    }

    @Test
    void aModelStartsFromASavedZipAndProvenanceNamesItsFileAndHash() throws Exception {
        // only students are exported: the teacher takes student-32's shape to start from its zip, student-32 starts from
        // its own (its auxiliary layer, which the zip does not hold, starts fresh)
        Path saved = reference.resolve("students/student-32.zip");
        Path run = tmp.resolve("init");
        // 6 steps: the assistant's warm start (8 in the smoke config) is shortened, as a warm start covering the run is refused
        complete(tmp, "init", train(run, "--set", "data.trainLimit=256", "--set", "data.validation=64", "--set", "data.testLimit=64",
                "--set", "models.assistant.warmStartSteps=2",
                "--set", "models.teacher.layers=1", "--set", "models.teacher.hidden=[32]", "--set", "models.teacher.ffn=64",
                "--set", "models.teacher.init=" + saved, "--set", "models.students[0].init=" + saved));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(saved)));
        JsonNode initial = new ObjectMapper().readTree(run.resolve("provenance.json").toFile()).get("initialWeights");
        assertThat(initial).as("provenance.json initialWeights").isNotNull();
        String expected = saved + " (sha256 " + sha + ")";
        assertThat(initial.get("teacher").asText()).isEqualTo(expected);
        assertThat(initial.get("student-32").asText()).isEqualTo(expected);
        assertThat(initial.get("student-32.twin").asText()).as("a twin starts where its student starts").isEqualTo(expected);
        assertThat(initial.has("student-16")).isFalse();
        assertThat(run.resolve("report.json")).exists();
    }

    @Test
    void anInitOfAnotherWidthIsExitCode4InOneLineNamingModelFileAndDifference() throws Exception {
        Path saved = reference.resolve("students/student-32.zip");
        Path run = tmp.resolve("wrong");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-cp", System.getProperty("java.class.path"), Distill4j.class.getName()));
        cmd.addAll(Arrays.asList(train(run, "--set", "models.students[1].init=" + saved)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("wrong.out").toFile())
                .redirectError(tmp.resolve("wrong.err").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(tmp.resolve("wrong.err"));
        assertThat(p.exitValue()).as(err + Files.readString(tmp.resolve("wrong.out"))).isEqualTo(ExitCodes.CHECKPOINT);
        List<String> lines = err.strip().lines().toList();
        assertThat(lines).as(err).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("Exception").contains("student-16").contains(saved.toString())
                .contains("models.students[1].init").contains("hidden 32 (this model: 16)").contains("ffn 64 (this model: 32)");
    }

    /** One entry of a zip. */
    static byte[] entry(Path zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) if (e.getName().equals(name)) return in.readAllBytes();
        }
        throw new AssertionError(zip + " has no " + name);
    }

    /** The parameter names of an export's parameters.bin (count, then per parameter: name, length, big-endian floats). */
    static List<String> parameterNames(byte[] bin) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bin));
        List<String> out = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            out.add(in.readUTF());
            in.skipNBytes(4L * in.readInt());
        }
        assertThat(in.read()).as("the whole file").isEqualTo(-1);
        return out;
    }

    /** The parameter names of a transformer's training state (a checkpoint's model file: values and two Adam moments each). */
    static List<String> stateNames(byte[] state) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        in.readUTF();
        in.readInt();
        in.readLong();
        in.readLong();
        List<String> out = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            out.add(in.readUTF());
            in.skipNBytes(3 * 4L * in.readInt());
        }
        assertThat(in.read()).as("the whole state").isEqualTo(-1);
        return out;
    }

    /** An export's parameter values (for bitwise comparison: the zip's provenance entry differs between runs). */
    static byte[] parameters(Path zip) throws IOException {
        return entry(zip, TransformerZip.PARAMETERS);
    }
}
