package io.distill4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.checkpoint.CheckpointStore;
import io.distill4j.run.RunDirectory;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.recipes.Recipes;
import io.distill4j.report.ModelProvenance;
import io.distill4j.recipes.RunContext;
import io.distill4j.train.DivergenceException;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** resume's user-facing paths: changed config, missing/corrupt checkpoints, divergence. */
class ResumeCliTest {
    static final String SMOKE = "../configs/mnist/online-ta-smoke.yaml";

    @TempDir
    Path tmp;

    private Path trainSmoke(String... extra) {
        Path run = tmp.resolve("run");
        List<String> args = new java.util.ArrayList<>(List.of("train", "-q", "--config", SMOKE, "--set", "data.root=../data/mnist",
                "--set", "checkpoint.every=2", "--run-dir", run.toString()));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return run;
    }

    @Test
    void changedConfigIsRefusedWithTheKeysUnlessAllowed() throws IOException {
        Path run = trainSmoke();
        CliRun refused = CliRun.of("resume", run.toString(), "-q", "--set", "distill.temperature=3", "--set", "training.epochs=2");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
        assertThat(refused.errorLine()).isEqualTo("distill4j: the config differs from checkpoint step-00000008 in "
                + "[distill.temperature, training.epochs]; resume with --allow-config-change to continue with the new values");

        CliRun allowed = CliRun.of("resume", run.toString(), "-q", "--set", "distill.temperature=3", "--set", "training.epochs=2",
                "--allow-config-change");
        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("(16 steps");
        JsonNode prov = new ObjectMapper().readTree(run.resolve("provenance.json").toFile());
        JsonNode resume = prov.get("resumes").get(0);
        assertThat(resume.get("fromStep").asLong()).isEqualTo(8);
        assertThat(resume.get("changedConfigKeys")).extracting(JsonNode::asText).containsExactly("distill.temperature", "training.epochs");
        assertThat(resume.has("kernelChange")).as("the same kernels: nothing to record").isFalse();
        assertThat(Files.readString(run.resolve("config.yaml"))).contains("epochs: 2");
        // a student exported by a resumed run says so, as provenance.json does
        ModelProvenance made = ModelProvenance.read(run.resolve("students/student-64.zip")).orElseThrow();
        assertThat(made.steps()).isEqualTo(16);
        assertThat(made.run().resumes()).singleElement().satisfies(res -> {
            assertThat(res.fromStep()).isEqualTo(8);
            assertThat(res.changedConfigKeys()).containsExactly("distill.temperature", "training.epochs");
        });
    }

    @Test
    void corruptNewestCheckpointFallsBackWithOneLineAndFinishes() throws IOException {
        Path run = trainSmoke();
        Files.delete(run.resolve("report.json"));  // killed after its last checkpoint: a complete run is not resumed
        Path newest = run.resolve("checkpoints/step-00000008");
        Files.writeString(newest.resolve("teacher.zip"), "garbage");
        CliRun r = CliRun.of("resume", run.toString(), "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err().strip()).isEqualTo("distill4j: checkpoint step-00000008 is not usable: teacher.zip does not match its "
                + "SHA-256 (corrupted); trying the previous one");
        assertThat(r.out()).contains("(8 steps");
        long stepLines = Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"type\":\"step\"")).count();
        assertThat(stepLines).as("steps 7 and 8 are logged once, not twice").isEqualTo(8);
    }

    /** Replaces a checkpoint file and recomputes its SHA-256 in the manifest: a hand edit the hash cannot catch. */
    private static void rewriteWithHash(Path checkpoint, String file, byte[] bytes) throws IOException {
        Files.write(checkpoint.resolve(file), bytes);
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode manifest =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(checkpoint.resolve("manifest.json").toFile());
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("sha256")).put(file, java.util.HexFormat.of().formatHex(sha.digest(bytes)));
        json.writeValue(checkpoint.resolve("manifest.json").toFile(), manifest);
    }

    /**
     * Round 3, D11: files that match their recomputed hash but hold values no run writes: a cursor out of range was
     * "internal error" with a stack trace, a truncated signal memory "cannot read the signal memory ... (null)", neither
     * fell back. Now each is an unusable checkpoint, reported in one line, and resume takes the one before.
     */
    @Test
    void checkpointValuesNoRunWritesFallBackWithOneLineEachAndFinish() throws IOException {
        Path run = trainSmoke();
        Files.delete(run.resolve("report.json"));
        Path newest = run.resolve("checkpoints/step-00000008");
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode state =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(newest.resolve("state.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) state.get("cursor")).put("position", 99999);
        rewriteWithHash(newest, "state.json", json.writeValueAsBytes(state));
        Path before = run.resolve("checkpoints/step-00000006");
        String file = "signal-memory-teacher.bin";
        byte[] memory = Files.readAllBytes(before.resolve(file));
        rewriteWithHash(before, file, java.util.Arrays.copyOf(memory, memory.length / 2));
        CliRun r = CliRun.of("resume", run.toString(), "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err().strip().lines()).containsExactly(
                "distill4j: checkpoint step-00000008 is not usable: state.json: cursor: epoch 0, position 99999, expected epoch >= 0 "
                        + "and position in 0..8 (batches per epoch of 1024 examples); trying the previous one",
                "distill4j: checkpoint step-00000006 is not usable: " + file + ": " + memory.length / 2 + " bytes, expected "
                        + memory.length + " for 1024 examples of 10 classes; trying the previous one");
        assertThat(r.out()).contains("(8 steps");
    }

    /** Drops {@code file}'s entry from a checkpoint's manifest (the file itself stays unless deleted after). */
    private static void unlist(Path checkpoint, String file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode manifest =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(checkpoint.resolve("manifest.json").toFile());
        assertThat(((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("sha256")).remove(file)).as(file).isNotNull();
        json.writeValue(checkpoint.resolve("manifest.json").toFile(), manifest);
    }

    @Test
    void checkpointsWhoseManifestMissesAFileAreSkippedWithOneLineEach() throws IOException {
        Path run = trainSmoke();
        Path checkpoints = run.resolve("checkpoints");
        // the files a resume of this config reads are exactly those every checkpoint lists
        ResolvedConfig config = new ConfigLoader(Recipes.vocabulary()).load(run.resolve("config.yaml"), List.of());
        JsonNode listed = new ObjectMapper().readTree(checkpoints.resolve("step-00000004/manifest.json").toFile()).get("sha256");
        List<String> names = new java.util.ArrayList<>();
        listed.fieldNames().forEachRemaining(names::add);
        names.removeAll(List.of("state.json", "config.yaml"));
        assertThat(Recipes.get("online").checkpointFiles(config.config())).containsExactlyInAnyOrderElementsOf(names)
                .contains("student-32.twin.zip", "signal-memory-assistant.bin");

        Files.delete(run.resolve("report.json"));  // killed after its last checkpoint: a complete run is not resumed
        unlist(checkpoints.resolve("step-00000008"), "student-64.zip");                   // present but not verified
        unlist(checkpoints.resolve("step-00000006"), "signal-memory-assistant.bin");      // the run needs it: gone with its entry
        Files.delete(checkpoints.resolve("step-00000006/signal-memory-assistant.bin"));
        CliRun r = CliRun.of("resume", run.toString(), "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err().strip().lines()).containsExactly(
                "distill4j: checkpoint step-00000008 is not usable: student-64.zip is not listed in manifest.json; trying the previous one",
                "distill4j: checkpoint step-00000006 is not usable: manifest.json does not list signal-memory-assistant.bin, "
                        + "which the run needs; trying the previous one");
        JsonNode prov = new ObjectMapper().readTree(run.resolve("provenance.json").toFile());
        assertThat(prov.get("resumes").get(0).get("fromStep").asLong()).isEqualTo(4);
    }

    @Test
    void noValidCheckpointIsExitCode4AndNoRunFolderIsExitCode8() throws IOException {
        Path run = trainSmoke();
        Files.delete(run.resolve("report.json"));
        try (var dirs = Files.list(run.resolve("checkpoints"))) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) Files.delete(d.resolve("manifest.json"));
        }
        CliRun none = CliRun.of("resume", run.toString(), "-q");
        assertThat(none.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
        assertThat(none.err()).contains("no valid checkpoint in");

        CliRun notARun = CliRun.of("resume", tmp.resolve("elsewhere").toString());
        assertThat(notARun.exitCode()).as("the README and --help say 8 for a folder that is not a run").isEqualTo(ExitCodes.REPORT);
        assertThat(notARun.errorLine()).contains("is not a run folder (no config.yaml)");

        assertThat(CliRun.of("resume", run.toString(), "--from", "yesterday").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void nanLossStopsWithExit5NamingModelAndStepAndLeavesTheLastCheckpointAsItWas() throws IOException {
        ConfigLoader loader = new ConfigLoader(Recipes.vocabulary());
        ResolvedConfig config = loader.load(Path.of(SMOKE), List.of("data.root=../data/mnist", "checkpoint.every=2"));
        RunDirectory dir = RunDirectory.create(tmp, "x", tmp.resolve("nan"));
        RunListener poison = new RunListener() {
            @Override
            public void onStep(OnlineTrainer trainer, StepRecord record) {
                if (record.step() == 4) ((io.distill4j.model.dl4j.Dl4jModel) trainer.participants().get(2).model()).network().params().putScalar(0, Float.NaN);
            }
        };
        DivergenceException e = org.junit.jupiter.api.Assertions.assertThrows(DivergenceException.class,
                () -> Recipes.get("online").prepareTrain(new RunContext(config, dir, List.of("test"))).start(List.of(poison)));
        assertThat(e).hasMessage("training diverged: model 'student-128' had loss NaN at step 5");
        assertThat(ExitCodes.of(e)).isEqualTo(ExitCodes.DIVERGED);
        CheckpointStore store = new CheckpointStore(dir.root());
        assertThat(store.list()).extracting(p -> p.getFileName().toString()).containsExactly("step-00000004", "step-00000002");
        assertThat(store.verify(store.list().get(0))).isEmpty();
        java.io.File student = store.loadNewestValid(null, s -> { }).models().get("student-128").toFile();
        assertThat(org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(student, true).params().isNaN().any()).isFalse();
    }
}
