package io.distill4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills real CLI processes with SIGKILL at random moments, resumes each time, and checks that the final
 * models, metrics and report are bitwise those of an uninterrupted run. {@code -Ddistill4j.killCycles=20}
 * runs the long version.
 */
class KillResumeTest {
    /** Small but long enough to be killed mid-way: 128 steps with dropout, burn-in, period 2 and evaluations. */
    static final List<String> CONFIG = List.of("--config", "../configs/mnist/online-ta-smoke.yaml",
            "--set", "data.root=../data/mnist", "--set", "data.trainLimit=2048", "--set", "training.batchSize=32",
            "--set", "training.evalEvery=24", "--set", "checkpoint.every=5",
            "--set", "models.teacher.hidden=[256, 256]", "--set", "models.teacher.dropout=0.2",
            "--set", "models.assistant.hidden=[64]", "--set", "models.assistant.dropout=0.1",
            "--set", "distill.period=2", "--set", "distill.burnInSteps=10");
    /** Every checkpointed model, the scratch twins included (the smoke config turns distill.twins on). */
    static final String[] MODELS = {"teacher", "assistant", "student-128", "student-64", "student-32",
            "student-128.twin", "student-64.twin", "student-32.twin"};

    @TempDir
    Path tmp;

    static Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-cp", System.getProperty("java.class.path"), Distill4j.class.getName()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    /** Enough steps for the requested number of kills (each cycle advances a few dozen steps). */
    static final int CYCLES = Integer.getInteger("distill4j.killCycles", 3);
    static final int EPOCHS = Math.max(2, CYCLES / 2);

    static String[] train(Path run) {
        List<String> args = new ArrayList<>(List.of("train", "-q", "--run-dir", run.toString()));
        args.addAll(CONFIG);
        args.addAll(List.of("--set", "training.epochs=" + EPOCHS));
        return args.toArray(String[]::new);
    }

    @Test
    void sigkillAtRandomMomentsThenResumeIsBitwiseTheUninterruptedRun() throws Exception {
        int cycles = CYCLES;
        Path reference = tmp.resolve("reference");
        Process ref = start(tmp.resolve("reference.log"), train(reference));
        assertThat(ref.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(ref.exitValue()).as(Files.readString(tmp.resolve("reference.log"))).isZero();

        Path run = tmp.resolve("killed");
        Random random = new Random(Long.getLong("distill4j.killSeed", System.nanoTime()));
        int kills = 0;
        int resumes = 0;
        Process p = start(tmp.resolve("killed-0.log"), train(run));
        for (int cycle = 1; ; cycle++) {
            if (kills < cycles) {
                if (cycle == 1) {
                    // on a loaded machine start-up alone can outlast the random wait: let the first kill land after
                    // the first checkpoint, so the test always exercises at least one resume
                    Path latest = run.resolve("checkpoints/latest");
                    long deadline = System.currentTimeMillis() + 300_000;
                    while (!Files.exists(latest) && p.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(20);
                }
                long waitMs = (cycle == 1 ? 0 : 1200) + random.nextInt(3000);
                if (!p.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();   // SIGKILL: no handler, no cleanup
                    kills++;
                }
            }
            if (p.isAlive()) assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
            if (p.exitValue() == 0) break;
            assertThat(p.exitValue()).as("only SIGKILL (137) may end a process early").isEqualTo(137);
            if (!Files.exists(run.resolve("checkpoints/latest"))) {
                // killed before the first checkpoint: nothing to resume, start over in a fresh folder
                deleteTree(run);
                p = start(tmp.resolve("killed-" + cycle + ".log"), train(run));
            } else {
                p = start(tmp.resolve("killed-" + cycle + ".log"), "resume", run.toString(), "-q");
                resumes++;
            }
        }
        System.out.printf("kill/resume: %d SIGKILLs, %d resumes from a checkpoint%n", kills, resumes);
        assertThat(kills).isEqualTo(cycles);
        assertThat(resumes).as("at least one kill must land after a checkpoint").isPositive();

        for (String model : MODELS) {
            assertThat(params(latest(run), model)).as(model).isEqualTo(params(latest(reference), model));
        }
        for (String student : new String[]{"student-128", "student-64", "student-32"}) {
            assertThat(restore(run.resolve("students/" + student + ".zip")).params().data().asFloat())
                    .isEqualTo(restore(reference.resolve("students/" + student + ".zip")).params().data().asFloat());
        }
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).isEqualTo(Files.readAllLines(reference.resolve("metrics.jsonl")));
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(run.resolve("report.json").toFile());
        JsonNode b = json.readTree(reference.resolve("report.json").toFile());
        // everything the training produced is equal; inference timings are measurements of this machine, not results
        for (JsonNode m : a.get("models")) ((com.fasterxml.jackson.databind.node.ObjectNode) m).remove("inference");
        for (JsonNode m : b.get("models")) ((com.fasterxml.jackson.databind.node.ObjectNode) m).remove("inference");
        assertThat(a.get("models")).isEqualTo(b.get("models"));
        assertThat(a.get("gains")).hasSize(3).isEqualTo(b.get("gains"));
        // twins are trained, checkpointed and resumed like every model, but not exported as students
        assertThat(run.resolve("students/student-64.twin.zip")).doesNotExist();
        assertThat(a.get("curves")).isEqualTo(b.get("curves"));
        assertThat(a.get("steps")).isEqualTo(b.get("steps"));
    }

    /** Waits (up to 2 minutes) until {@code metrics} holds {@code n} lines with a step. */
    static void awaitStepLines(Path metrics, int n) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline
                && (!Files.exists(metrics) || Files.readAllLines(metrics).stream().filter(l -> l.contains("\"step\"")).count() < n)) {
            Thread.sleep(50);
        }
    }

    @Test
    void sigtermWritesACheckpointAndExitsWithTheInterruptedCode() throws Exception {
        Path run = tmp.resolve("term");
        Path log = tmp.resolve("term.log");
        Process p = start(log, train(run));
        Path metrics = run.resolve("metrics.jsonl");
        awaitStepLines(metrics, 3);
        p.destroy();   // SIGTERM
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.INTERRUPTED_TERM);
        assertThat(out).contains("interrupted by SIGTERM at step").contains("continue with: scripts/distill4j resume " + run);
        long lastStep = Files.readAllLines(metrics).stream().filter(l -> l.contains("\"type\":\"step\""))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".*\"step\":(\\d+).*", "$1"))).max().orElseThrow();
        String latest = Files.readString(run.resolve("checkpoints/latest")).trim();
        assertThat(latest).isEqualTo(String.format("step-%08d", lastStep));
        assertThat(new io.distill4j.checkpoint.CheckpointStore(run).verify(run.resolve("checkpoints").resolve(latest))).isEmpty();
    }

    static Path latest(Path run) throws IOException {
        return run.resolve("checkpoints").resolve(Files.readString(run.resolve("checkpoints/latest")).trim());
    }

    private static float[] params(Path checkpoint, String model) throws IOException {
        return restore(checkpoint.resolve(model + ".zip")).params().data().asFloat();
    }

    private static MultiLayerNetwork restore(Path zip) throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
