package io.distill4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.config.ConfigLoader;
import io.distill4j.recipes.Recipes;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code train --seeds} and the study folder through every command: layout, aggregate, failed seed, resume, compare, errors. */
class StudyCliTest {
    static final String SMOKE = "../configs/mnist/online-ta-smoke.yaml";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    /** seeds 1,2 of the online smoke config, made once for the tests that only read it. */
    static Path study;
    static CliRun studyRun;

    @TempDir
    Path tmp;

    static String[] trainStudy(Path dir, String seeds, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "-q", "--config", SMOKE, "--set", "data.root=../data/mnist",
                "--set", "checkpoint.every=2", "--seeds", seeds, "--run-dir", dir.toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void twoSeeds() {
        study = shared.resolve("study");
        studyRun = CliRun.of(trainStudy(study, "1,2"));
        assertThat(studyRun.exitCode()).as(studyRun.err()).isZero();
    }

    @AfterEach
    void noHook() {
        StudyRunner.seedListenerForTests = null;
    }

    @Test
    void aStudyHasItsDefinitionOneOrdinaryRunPerSeedAndTheAggregate() throws IOException {
        JsonNode def = JSON.readTree(study.resolve("study.json").toFile());
        assertThat(def.get("seeds")).extracting(JsonNode::asLong).containsExactly(1L, 2L);
        assertThat(def.get("config").asText()).isEqualTo(SMOKE);
        assertThat(def.get("overrides")).extracting(JsonNode::asText).containsExactly("data.root=../data/mnist", "checkpoint.every=2");
        assertThat(def.get("commandLine").toString()).contains("--seeds");
        assertThat(def.get("created").asText()).isNotBlank();
        for (long seed : new long[]{1, 2}) {
            Path run = study.resolve("seed-" + seed);
            // the seed's config is exactly what train --set training.seed=N would resolve
            String expected = new ConfigLoader(Recipes.vocabulary()).load(Path.of(SMOKE),
                    List.of("data.root=../data/mnist", "checkpoint.every=2", "training.seed=" + seed)).yaml();
            assertThat(Files.readString(run.resolve("config.yaml"))).isEqualTo(expected);
            JsonNode report = JSON.readTree(run.resolve("report.json").toFile());
            assertThat(report.get("provenance").get("seed").asLong()).isEqualTo(seed);
            assertThat(run.resolve("report.html")).exists();
        }
        JsonNode agg = JSON.readTree(study.resolve("study-report.json").toFile());
        assertThat(agg.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(agg.get("completedSeeds")).extracting(JsonNode::asLong).containsExactly(1L, 2L);
        assertThat(agg.get("models")).extracting(m -> m.get("name").asText())
                .contains("teacher", "assistant", "student-128", "student-64", "student-32");
        JsonNode gain = agg.get("gains").get(0);
        assertThat(gain.get("student").asText()).isEqualTo("student-128");
        assertThat(gain.get("gainPp").get("n").asInt()).isEqualTo(2);
        double g1 = JSON.readTree(study.resolve("seed-1/report.json").toFile()).get("gains").get(0).get("gainPp").asDouble();
        double g2 = JSON.readTree(study.resolve("seed-2/report.json").toFile()).get("gains").get(0).get("gainPp").asDouble();
        assertThat(gain.get("gainPp").get("mean").asDouble()).isCloseTo((g1 + g2) / 2, within(1e-9));
        double half = 12.706205 * Math.abs(g1 - g2) / Math.sqrt(2) / Math.sqrt(2);
        assertThat(gain.get("gainPp").get("ciHigh").asDouble()).isCloseTo((g1 + g2) / 2 + half, within(1e-4));
        assertThat(gain.get("wins").asInt()).isEqualTo((g1 > 0 ? 1 : 0) + (g2 > 0 ? 1 : 0));
        assertThat(gain.get("validationGainPp").get("n").asInt()).isEqualTo(2);
        assertThat(Files.readString(study.resolve("study-report.md"))).contains("## Gain over the scratch twin").contains("| student-128 |");
        assertThat(studyRun.out()).contains("=== seed 1").contains("=== seed 2").contains("2 of 2 seeds complete [1, 2]")
                .contains("95% CI").contains("study folder: " + study);
    }

    @Test
    void reportReRendersTheAggregateFromTheSeedFolders() throws IOException {
        Path copy = tmp.resolve("copy");
        copyTree(study, copy);
        Files.delete(copy.resolve("study-report.json"));
        CliRun r = CliRun.of("report", copy.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 of 2 seeds complete").contains("wrote " + copy.resolve("study-report.json"));
        assertThat(JSON.readTree(copy.resolve("study-report.json").toFile()).get("gains"))
                .isEqualTo(JSON.readTree(study.resolve("study-report.json").toFile()).get("gains"));
    }

    @Test
    void compareShowsStudiesSideBySideInEveryFormat() throws IOException {
        Path other = tmp.resolve("other<b>");
        copyTree(study, other);
        CliRun table = CliRun.of("compare", study.toString(), other.toString());
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("study acc (mean ± sd)").contains("study gain [95% CI]").contains("study wins")
                .contains("delta vs study").contains("+0.00 pp").contains("no differences in config, versions or data");
        CliRun html = CliRun.of("compare", study.toString(), other.toString(), "--format", "html");
        assertThat(html.out()).contains("other&lt;b&gt; acc").doesNotContain("other<b>");
        assertThat(CliRun.of("compare", study.toString(), other.toString(), "--format", "md").out()).contains("| student-128 |");
        assertThat(CliRun.of("compare", study.toString(), other.toString(), "--format", "csv").out().lines().findFirst().orElseThrow())
                .startsWith("student,study acc (mean ± sd),study gain [95% CI],study wins");
        JsonNode json = JSON.readTree(CliRun.of("compare", study.toString(), other.toString(), "--format", "json").out());
        assertThat(json.get("studies")).extracting(JsonNode::asText).containsExactly("study", "other<b>");
        assertThat(json.get("rows").get(0).get("perStudy").get(0).get("n").asInt()).isEqualTo(2);

        // a plain run counts as a study of one seed; the config differences skip training.seed but keep the rest
        Path run = tmp.resolve("run");
        CliRun trained = CliRun.of("train", "-q", "--config", SMOKE, "--set", "data.root=../data/mnist", "--set", "training.seed=3",
                "--set", "distill.temperature=3", "--run-dir", run.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        CliRun mixed = CliRun.of("compare", study.toString(), run.toString());
        assertThat(mixed.exitCode()).as(mixed.err()).isZero();
        assertThat(mixed.out()).contains("run wins").contains("config distill.temperature: 2.0 | 3.0")
                .doesNotContain("config training.seed").doesNotContain("\n  seed:");
    }

    @Test
    void aFailedSeedDoesNotStopTheOthersAndResumeFinishesTheStudy() throws IOException {
        // seed 2 diverges for real: a NaN weight in a student makes its loss NaN (as ResumeCliTest does for one run)
        StudyRunner.seedListenerForTests = seed -> seed != 2 ? null : new RunListener() {
            @Override
            public void onStep(OnlineTrainer trainer, StepRecord record) {
                if (record.step() == 4) ((io.distill4j.model.dl4j.Dl4jModel) trainer.participants().get(2).model()).network().params().putScalar(0, Float.NaN);
            }
        };
        Path dir = tmp.resolve("failing");
        CliRun r = CliRun.of(trainStudy(dir, "1,2,3"));
        StudyRunner.seedListenerForTests = null;
        assertThat(r.exitCode()).isEqualTo(ExitCodes.DIVERGED);
        assertThat(r.err().strip()).isEqualTo("distill4j: seed 2 failed (exit 5): training diverged: model 'student-128' had loss NaN at step 5");
        assertThat(Files.readString(dir.resolve("seed-2/logs/run.log"))).as("the failure is logged where the run is")
                .contains("run failed (exit 5): training diverged: model 'student-128' had loss NaN at step 5");
        assertThat(dir.resolve("seed-3/report.json")).as("seed 3 ran after seed 2 failed").exists();
        JsonNode agg = JSON.readTree(dir.resolve("study-report.json").toFile());
        assertThat(agg.get("completedSeeds")).extracting(JsonNode::asLong).containsExactly(1L, 3L);
        assertThat(agg.get("missingSeeds")).extracting(JsonNode::asLong).containsExactly(2L);
        assertThat(agg.get("gains").get(0).get("gainPp").get("n").asInt()).isEqualTo(2);

        // as if the study had been stopped during seed 2 and seed 3 never started
        deleteTree(dir.resolve("seed-3"));
        CliRun resumed = CliRun.of("resume", dir.toString(), "-q");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("=== seed 2").contains("=== seed 3").doesNotContain("=== seed 1")
                .contains("3 of 3 seeds complete [1, 2, 3]");
        assertThat(dir.resolve("seed-2/provenance.json")).content().contains("\"fromStep\" : 4");
        assertThat(JSON.readTree(dir.resolve("study-report.json").toFile()).get("missingSeeds")).isEmpty();

        CliRun again = CliRun.of("resume", dir.toString(), "-q");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("every seed of " + dir + " was complete [1, 2, 3]; re-wrote the aggregate");
    }

    @Test
    void sigtermStopsTheStudyAfterTheCurrentSeedsCheckpointAndResumeFinishesIt() throws Exception {
        Path dir = tmp.resolve("term");
        Path log = tmp.resolve("term.log");
        List<String> args = new ArrayList<>(List.of("train", "-q", "--seeds", "1,2", "--run-dir", dir.toString()));
        args.addAll(KillResumeTest.CONFIG);
        Process p = KillResumeTest.start(log, args.toArray(String[]::new));
        Path metrics = dir.resolve("seed-1/metrics.jsonl");
        KillResumeTest.awaitStepLines(metrics, 3);
        p.destroy();   // SIGTERM
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.INTERRUPTED_TERM);
        assertThat(out).contains("interrupted by SIGTERM at step").contains("continue the study with: scripts/distill4j resume " + dir);
        assertThat(out.split("continue", -1)).as("one way to continue: the command that finishes the study").hasSize(2);
        assertThat(dir.resolve("seed-1/checkpoints/latest")).exists();
        assertThat(dir.resolve("seed-1/report.json")).doesNotExist();
        assertThat(dir.resolve("seed-2")).as("the seeds after the stopped one are not started").doesNotExist();

        CliRun resumed = CliRun.of("resume", dir.toString(), "-q");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(JSON.readTree(dir.resolve("study-report.json").toFile()).get("completedSeeds"))
                .extracting(JsonNode::asLong).containsExactly(1L, 2L);
    }

    @Test
    void userMistakesAreOneLineWithTheirExitCodes() throws IOException {
        CliRun badSeeds = CliRun.of("train", "--config", SMOKE, "--seeds", "1,x");
        assertThat(badSeeds.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSeeds.errorLine()).isEqualTo("distill4j: --seeds '1,x': 'x' is not a non-negative integer or a range like 1-3");

        Path never = tmp.resolve("never");
        CliRun badConfig = CliRun.of(trainStudy(never, "1,2", "--set", "distill.alpha=2"));
        assertThat(badConfig.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(badConfig.errorLine()).contains("distill.alpha: expected a value in [0, 1]");
        assertThat(never).as("nothing is created for a config mistake").doesNotExist();

        CliRun existing = CliRun.of(trainStudy(study, "3"));
        assertThat(existing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(existing.errorLine()).contains("already holds a study or a run");

        CliRun resumeWithFrom = CliRun.of("resume", study.toString(), "--from", "step-2");
        assertThat(resumeWithFrom.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(resumeWithFrom.errorLine()).contains("resume its seed folder instead");

        Path noDefinition = tmp.resolve("no-definition");
        Files.createDirectories(noDefinition.resolve("seed-1"));
        for (String command : new String[]{"report", "resume"}) {
            CliRun r = CliRun.of(command, noDefinition.toString());
            assertThat(r.exitCode()).as(command).isEqualTo(ExitCodes.REPORT);
            assertThat(r.errorLine()).isEqualTo("distill4j: " + noDefinition + " is not a study folder (no study.json; "
                    + "a study is made by distill4j train --seeds)");
        }
        Files.writeString(noDefinition.resolve("study.json"), "{ not json");
        for (String[] args : new String[][]{{"report", noDefinition.toString()}, {"resume", noDefinition.toString()},
                {"compare", study.toString(), noDefinition.toString()}}) {
            CliRun r = CliRun.of(args);
            assertThat(r.exitCode()).as(args[0]).isEqualTo(ExitCodes.REPORT);
            assertThat(r.errorLine()).contains("study.json is not a readable study definition");
        }
    }

    /** A copy of the shared two-seed study, to damage. */
    private Path copyOfStudy(String name) throws IOException {
        Path dir = tmp.resolve(name);
        copyTree(study, dir);
        Files.deleteIfExists(dir.resolve(".distill4j.lock"));
        return dir;
    }

    @Test
    void aSeedsOwnCorruptConfigFailsThatSeedInOneLineAndTheOthersStillRun() throws IOException {
        // D10, D9: a failure that belongs to one seed folder does not stop the study, and is one line
        Path dir = copyOfStudy("corrupt-seed-config");
        Files.delete(dir.resolve("seed-1/report.json"));
        Files.writeString(dir.resolve("seed-1/config.yaml"), "name: [\n");
        deleteTree(dir.resolve("seed-2"));
        CliRun r = CliRun.of("resume", dir.toString(), "-q");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).startsWith("distill4j: seed 1 failed (exit 3): " + dir.resolve("seed-1/config.yaml"))
                .doesNotContain("would repeat");
        assertThat(dir.resolve("seed-2/report.json")).as("seed 2 ran after seed 1's own failure").exists();
    }

    @Test
    void aSeedThatFailsMidRunIsOneLineOnTheConsoleWithTheStackTraceInItsRunLog() throws IOException {
        // D9: as for a single run, one line; the trace goes to the seed's logs/run.log
        StudyRunner.seedListenerForTests = seed -> seed != 1 ? null : new RunListener() {
            @Override
            public void onStep(OnlineTrainer trainer, StepRecord record) {
                if (record.step() == 2) throw new IllegalStateException("a bug in seed 1");
            }
        };
        Path dir = tmp.resolve("bug");
        CliRun r = CliRun.of(trainStudy(dir, "1,2", "--set", "data.trainLimit=640", "--set", "data.validation=128"));
        StudyRunner.seedListenerForTests = null;
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.err().strip()).isEqualTo("distill4j: seed 1 failed (exit 1): internal error: java.lang.IllegalStateException: a bug in seed 1");
        assertThat(Files.readString(dir.resolve("seed-1/logs/run.log"))).contains("run failed (exit 1): a bug in seed 1")
                .contains("java.lang.IllegalStateException: a bug in seed 1").contains("\tat ");
        assertThat(dir.resolve("seed-2/report.json")).exists();
    }

    @Test
    void resumeOfAStudyWhoseSeedReportIsCorruptRedoesThatSeedsEndFromItsFinalCheckpoint() throws IOException {
        // D18: not "every seed was complete; re-wrote the aggregate" followed by exit 8
        Path dir = copyOfStudy("corrupt-report");
        Files.writeString(dir.resolve("seed-2/report.json"), "{");
        CliRun r = CliRun.of("resume", dir.toString(), "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("every seed").contains("=== seed 2").doesNotContain("=== seed 1")
                .contains("2 of 2 seeds complete [1, 2]");
        assertThat(JSON.readTree(dir.resolve("seed-2/report.json").toFile()).get("status").asText()).isEqualTo("complete");
        assertThat(Files.readAllLines(dir.resolve("seed-2/metrics.jsonl")).stream().filter(l -> l.contains("\"type\":\"eval\""))
                .map(l -> l.replaceAll(".*\"step\":(\\d+).*", "$1")).toList()).as("the final evaluation once").doesNotHaveDuplicates();
    }

    @Test
    void aStudyJsonWithANegativeOrRepeatedSeedIsRefusedInOneLine() throws IOException {
        // D18: study.json is checked like --seeds
        Path dir = copyOfStudy("bad-seeds");
        String definition = Files.readString(dir.resolve("study.json"));
        Files.writeString(dir.resolve("study.json"), definition.replaceAll("\"seeds\" : \\[[^]]*]", "\"seeds\" : [ -1 ]"));
        for (String command : new String[]{"resume", "report"}) {
            CliRun r = CliRun.of(command, dir.toString());
            assertThat(r.exitCode()).as(command).isEqualTo(ExitCodes.REPORT);
            assertThat(r.errorLine()).isEqualTo("distill4j: " + dir.resolve("study.json") + ": seeds[0]: expected a non-negative integer, got -1");
        }
        assertThat(dir.resolve("seed--1")).doesNotExist();
        Files.writeString(dir.resolve("study.json"), definition.replaceAll("\"seeds\" : \\[[^]]*]", "\"seeds\" : [ 1, 1 ]"));
        assertThat(CliRun.of("report", dir.toString()).errorLine()).endsWith("seeds[1]: seed 1 is listed twice");
    }

    @Test
    void aSeedWhoseConfigDiffersFromTheStudysIsLeftOutOfTheAggregateWithAWarning() throws IOException {
        // D5: e.g. resumed with --set training.epochs=3 --allow-config-change, or a run copied in
        Path dir = copyOfStudy("mixed");
        Path seed2 = dir.resolve("seed-2/config.yaml");
        Files.writeString(seed2, Files.readString(seed2).replace("  epochs: 1\n", "  epochs: 3\n"));
        CliRun r = CliRun.of("report", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.errorLine()).isEqualTo("distill4j: warning: seed 2 is left out of the aggregate: its config differs from "
                + "study-config.yaml with training.seed=2 in [training.epochs]");
        assertThat(r.out()).contains("1 of 2 seeds complete [1]").contains("left out: seed 2: its config differs");
        JsonNode agg = JSON.readTree(dir.resolve("study-report.json").toFile());
        assertThat(agg.get("completedSeeds")).extracting(JsonNode::asLong).containsExactly(1L);
        assertThat(agg.get("excludedSeeds").get(0).get("seed").asLong()).isEqualTo(2L);
        assertThat(agg.get("missingSeeds")).isEmpty();

        CliRun compared = CliRun.of("compare", study.toString(), dir.toString());
        assertThat(compared.exitCode()).as(compared.err()).isZero();
        assertThat(compared.errorLine()).isEqualTo("distill4j: warning: " + dir + ": seed 2 is left out: its config differs from "
                + "study-config.yaml with training.seed=2 in [training.epochs]");
    }

    @Test
    void aSeedTrainedOnOtherDataIsLeftOutOfTheAggregateWithAWarning() throws IOException {
        // D5: same config, other data files (their SHA-256 in the seed's report differs from the first seed's)
        Path dir = copyOfStudy("other-data");
        Path report = dir.resolve("seed-2/report.json");
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(report.toFile());
        com.fasterxml.jackson.databind.node.ObjectNode sha = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("provenance").get("dataSha256");
        String file = sha.fieldNames().next();
        sha.put(file, "0".repeat(64));
        JSON.writeValue(report.toFile(), tree);
        CliRun r = CliRun.of("report", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.errorLine()).isEqualTo("distill4j: warning: seed 2 is left out of the aggregate: it was trained on other data "
                + "than the study's first seed (SHA-256 of its data files differ)");
        assertThat(JSON.readTree(dir.resolve("study-report.json").toFile()).get("completedSeeds")).extracting(JsonNode::asLong)
                .containsExactly(1L);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
