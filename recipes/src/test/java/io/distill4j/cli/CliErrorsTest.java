package io.distill4j.cli;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.MemoryBudget;
import io.distill4j.recipes.Recipes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every user-facing error path of the CLI: its exit code and its one-line message. */
class CliErrorsTest {
    static final String SMOKE = "../configs/mnist/online-ta-smoke.yaml";

    @TempDir
    Path tmp;

    @Test
    void validateAcceptsEveryShippedConfig() throws IOException {
        try (var files = Files.walk(Path.of("../configs"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                CliRun r = CliRun.of("validate", "--config", f.toString());
                assertThat(r.exitCode()).as(f + ": " + r.err()).isZero();
                assertThat(r.out()).contains("valid");
            }
        }
    }

    @Test
    void everyShippedConfigFitsTheLaunchersMemory() throws IOException {
        // scripts/distill4j runs java -Xmx1g -Dorg.bytedeco.javacpp.maxbytes=4g: 4 GiB off-heap, 1 GiB of heap
        ConfigLoader launcher = new ConfigLoader(Recipes.vocabulary(), new MemoryBudget(4L << 30, 1L << 30));
        try (var files = Files.walk(Path.of("../configs"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                assertThat(launcher.load(f, List.of()).config().name()).as(f.toString()).isNotBlank();
            }
        }
    }

    @Test
    void invalidOverrideIsExitCode3NamingTheKey() {
        CliRun r = CliRun.of("validate", "--config", SMOKE, "--set", "distill.alpha=2");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        // the value came from --set, not from the file: the message says so
        assertThat(r.errorLine()).isEqualTo("distill4j: --set distill.alpha=2: distill.alpha: expected a value in [0, 1], got 2.0");
    }

    @Test
    void overrideThatDoesNotFitTheConfigsShapeIsAUsageErrorNamingIt() {
        String[][] cases = {
            {"name.x=1", "distill4j: --set name.x=1: 'name' is a string, it has no field 'x'"},
            {"name[0]=x", "distill4j: --set name[0]=x: 'name' is a string, not a list: it has no index [0]"},
            {"models.teacher[0]=1", "distill4j: --set models.teacher[0]=1: 'models.teacher' is a mapping, not a list: it has no index [0]"},
            {"models.students[99999999999].hidden=1",
                "distill4j: --set models.students[99999999999].hidden=1: index 99999999999 is out of range: models.students has 3 entries"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.of("validate", "--config", SMOKE, "--set", c[0]);
            assertThat(r.exitCode()).as(c[0]).isEqualTo(ExitCodes.USAGE);
            assertThat(r.errorLine()).isEqualTo(c[1]);
        }
    }

    @Test
    void duplicateKeyInAFileIsExitCode3NamingBothLines() throws IOException {
        String base = Files.readString(Path.of(SMOKE));
        List<String> lines = base.lines().toList();
        int first = lines.indexOf("training:") + 1;
        Path dup = tmp.resolve("dup.yaml");
        Files.writeString(dup, base + "training:\n  epochs: 2\n");
        CliRun r = CliRun.of("validate", "--config", dup.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).isEqualTo("distill4j: " + dup + ": duplicate key 'training' at lines " + first + " and "
                + (lines.size() + 1));
    }

    @Test
    void notANumberIsNamedAsSuchWithItsKey() throws IOException {
        String base = Files.readString(Path.of(SMOKE));
        int alphaLine = base.lines().toList().indexOf("  alpha: 0.5") + 1;
        Path nan = tmp.resolve("nan.yaml");
        Files.writeString(nan, base.replace("  alpha: 0.5", "  alpha: .nan"));
        CliRun n = CliRun.of("validate", "--config", nan.toString());
        assertThat(n.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(n.errorLine()).isEqualTo("distill4j: " + nan + ": distill.alpha: expected a finite number, got .nan (line " + alphaLine + ")");
    }

    @Test
    void aYamlAliasIsRefusedNamingTheKeyAndWhatWasExpected() throws IOException {
        String base = Files.readString(Path.of(SMOKE));
        Path alias = tmp.resolve("alias.yaml");
        Files.writeString(alias, base.replace("hidden: [1200, 1200]", "hidden: &w [1200, 1200]").replace("hidden: [400, 400]", "hidden: *w"));
        CliRun a = CliRun.of("validate", "--config", alias.toString());
        assertThat(a.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(a.errorLine()).startsWith("distill4j: " + alias + ": models.assistant.hidden: expected a list, got the alias *w (line ")
                .endsWith("); YAML anchors and aliases are not supported, write the value out");
    }

    @Test
    void aFileThatIsNotUtf8SaysSo() throws IOException {
        String base = Files.readString(Path.of(SMOKE));
        Path latin1 = tmp.resolve("latin1.yaml");
        Files.write(latin1, base.replace("name: mnist-online-ta-smoke", "name: caf\u00e9").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        int nameLine = base.lines().toList().indexOf("name: mnist-online-ta-smoke") + 1;
        CliRun l = CliRun.of("validate", "--config", latin1.toString());
        assertThat(l.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(l.errorLine()).startsWith("distill4j: " + latin1 + ": not UTF-8 text (byte 0xE9 at offset ")
                .endsWith(", line " + nameLine + "); save the file as UTF-8");
    }

    @Test
    void anIntegerTooLargeForItsKeyNamesTheKeyAndTheRange() throws IOException {
        String base = Files.readString(Path.of(SMOKE));
        Path big = tmp.resolve("big.yaml");
        Files.writeString(big, base.replace("epochs: 1", "epochs: 99999999999"));
        CliRun b = CliRun.of("validate", "--config", big.toString());
        assertThat(b.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(b.errorLine()).isEqualTo("distill4j: " + big + ": training.epochs: expected a value in [1, 10000], got 99999999999");
    }

    @Test
    void aConfigThatCannotFitInMemoryIsRefusedBeforeAnythingIsBuilt() {
        CliRun r = CliRun.of("validate", "--config", SMOKE, "--set", "models.teacher.hidden=[65536, 65536]");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).startsWith("distill4j: --set models.teacher.hidden=[65536, 65536]: models.teacher.hidden: the run needs about ")
                .contains(" GiB of native (off-heap) memory, ").contains(" is available (")
                .endsWith("; reduce models.teacher.hidden");
    }

    @Test
    void ompNumThreadsThatIsNotAPositiveIntegerIsAUsageErrorNamingIt() throws Exception {
        for (String value : new String[]{"abc", "0"}) {
            Path log = tmp.resolve("omp-" + value + ".log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                    "-cp", System.getProperty("java.class.path"), Distill4j.class.getName(),
                    "train", "--config", SMOKE, "--run-dir", tmp.resolve("run-" + value).toString(), "-q")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("OMP_NUM_THREADS", value);
            Process p = pb.start();
            assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(log).strip();
            assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.USAGE);
            assertThat(out).isEqualTo("distill4j: OMP_NUM_THREADS: expected a positive integer up to 256 (the number of OpenMP threads), got '"
                    + value + "'; set it to e.g. 1, or unset it and use --threads N");
            assertThat(tmp.resolve("run-" + value)).doesNotExist();
        }
    }

    @Test
    void unknownKeyTypeAndDanglingReferenceInAFileAreExitCode3() throws IOException {
        String base = Files.readString(Path.of(SMOKE));
        Path unknown = tmp.resolve("unknown.yaml");
        Files.writeString(unknown, base.replace("period: 1", "period: 1\n  warmup: 3"));
        CliRun r = CliRun.of("train", "--config", unknown.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).contains("unknown.yaml: distill.warmup: unknown key (expected one of [alpha, burnInSteps, period, temperature, temporalEnsemble, terms, twins])");

        Path wrongType = tmp.resolve("type.yaml");
        Files.writeString(wrongType, base.replace("batchSize: 128", "batchSize: big"));
        assertThat(CliRun.of("train", "--config", wrongType.toString()).errorLine())
                .contains("training.batchSize: expected an integer");

        Path dangling = tmp.resolve("dangling.yaml");
        Files.writeString(dangling, base.replaceAll("(?s)  assistant:.*?learnsFrom: teacher\n", ""));
        CliRun d = CliRun.of("train", "--config", dangling.toString());
        assertThat(d.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(d.errorLine()).contains("models.students[0].learnsFrom: refers to the assistant, but models.assistant is not defined");
    }

    static final String TITAN = "../configs/imdb/titan-smoke.yaml";

    @Test
    void lossTermsAndTheOtherIssue13KeysAreExitCode3NamingTheKey() {
        // {--set, the one line}: each refused at config time, before any data is read or model built
        String[][] cases = {
            {"distill.terms=[{term: attn, weight: 1}]", "distill4j: --set distill.terms=[{term: attn, weight: 1}]: distill.terms[0].term: "
                    + "expected one of [labels, logits, attention, relations, hidden], got 'attn'"},
            {"distill.terms=[]", "distill4j: --set distill.terms=[]: distill.terms: expected at least one term, e.g. "
                    + "[{term: labels, weight: 0.5}, {term: logits, weight: 0.5}]"},
            {"distill.terms[1].weight=-1", "distill4j: --set distill.terms[1].weight=-1: distill.terms[1].weight: expected a weight in [0, 1000], got -1.0"},
            {"distill.terms[0].temperature=2", "distill4j: --set distill.terms[0].temperature=2: distill.terms[0].temperature: "
                    + "only a logits term has a temperature; remove it"},
            {"distill.terms[2].teacherLayer=5", "distill4j: --set distill.terms[2].teacherLayer=5: distill.terms[2].teacherLayer: "
                    + "'teacher' has layers 0..1, got 5"},
            // the old keys beside terms: one of the two would be silently ignored
            {"distill.alpha=0.5", "distill4j: --set distill.alpha=0.5: distill.alpha: distill.terms weighs each term itself: remove alpha "
                    + "and write the weights as {term: labels, weight: 1 - alpha} and {term: logits, weight: alpha}"},
            {"distill.temperature=3", "distill4j: --set distill.temperature=3: distill.temperature: distill.terms is set: remove "
                    + "temperature and give the logits term its own, e.g. {term: logits, weight: 0.5, temperature: 2}"},
            {"models.students[0].alpha=0.5", "distill4j: --set models.students[0].alpha=0.5: models.students[0].alpha: the loss is "
                    + "given by distill.terms, which weighs each term itself; set the weight of its logits term instead"},
            {"models.students[0].warmStartSteps=3", "distill4j: --set models.students[0].warmStartSteps=3: "
                    + "models.students[0].warmStartSteps: 'student-32' teaches nobody, so there is nothing to warm it up for; remove it"},
            {"models.assistant.warmStartOn=teacher", "distill4j: --set models.assistant.warmStartOn=teacher: models.assistant.warmStartOn: "
                    + "expected one of [signals, labels], got 'teacher'"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.of("validate", "--config", TITAN, "--set", c[0]);
            assertThat(r.exitCode()).as(c[0]).isEqualTo(ExitCodes.CONFIG);
            assertThat(r.errorLine()).as(c[0]).isEqualTo(c[1]);
        }
        // ALD needs an attention-type term that binds to the student's last layer
        CliRun ald = CliRun.of("validate", "--config", TITAN, "--set", "distill.terms=[{term: labels, weight: 0.5}, {term: logits, weight: 0.5}]");
        assertThat(ald.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(ald.errorLine()).endsWith("models.students[0].ald: the auxiliary layer would learn nothing: add an attention or "
                + "relations term with studentLayer: last, or remove ald");
        // attention compares head by head
        CliRun heads = CliRun.of("validate", "--config", TITAN, "--set", "models.students[0].heads=4");
        assertThat(heads.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(heads.errorLine()).endsWith("distill.terms[2].term: attention compares head by head, and 'student-32' has 4 heads, "
                + "'assistant' 2; match the heads or use relations");
        // an init: that is no file is a config error (exit 3), caught before anything is built; one of another shape is exit 4 (TitanRunTest)
        CliRun init = CliRun.of("train", "--config", TITAN, "--set", "models.teacher.init=" + tmp.resolve("nope.zip"),
                "--run-dir", tmp.resolve("run").toString(), "-q");
        assertThat(init.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(init.errorLine()).isEqualTo("distill4j: --set models.teacher.init=" + tmp.resolve("nope.zip") + ": models.teacher.init: "
                + "expected a saved model zip (an export of the same architecture), but '" + tmp.resolve("nope.zip") + "' is not a file");
        assertThat(tmp.resolve("run")).doesNotExist();
    }

    @Test
    void anMlpLearnerTakesLabelsAndLogitsTermsOnly() throws IOException {
        // the mnist smoke config sets distill.alpha and temperature: a copy without them, with terms
        String base = Files.readString(Path.of(SMOKE)).replace("  alpha: 0.5\n", "").replaceAll("  temperature: [0-9.]+\n", "");
        Path mlp = tmp.resolve("mlp.yaml");
        Files.writeString(mlp, base.replace("distill:\n", "distill:\n  terms: [{term: labels, weight: 0.5}, {term: attention, weight: 0.5}]\n"));
        CliRun r = CliRun.of("validate", "--config", mlp.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).isEqualTo("distill4j: " + mlp + ": distill.terms[1].term: 'assistant' is a mlp, which learns from "
                + "labels and logits only; attention needs a transformer learner");
        // its labels and logits weights are its (1 - a) CE + a T^2 KL: they must add up to 1
        Files.writeString(mlp, base.replace("distill:\n", "distill:\n  terms: [{term: labels, weight: 0.5}, {term: logits, weight: 0.6}]\n"));
        CliRun sum = CliRun.of("validate", "--config", mlp.toString());
        assertThat(sum.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(sum.errorLine()).contains("distill.terms: 'assistant' is a mlp").contains("must add up to 1, got 1.1");
    }

    @Test
    void theResolvedConfigOfATermsConfigLoadsAgainWithTheSameHash() throws IOException {
        // a run's config.yaml is the resolved config and resume loads it: with terms it must not hold the alpha and
        // temperature defaults the loader refuses beside terms (it did: every resume of a terms run failed with exit 3)
        for (String config : new String[]{"../configs/imdb/titan.yaml", TITAN}) {
            CliRun printed = CliRun.of("validate", "--config", config, "--print");
            assertThat(printed.exitCode()).isZero();
            String first = printed.out().lines().findFirst().orElseThrow();
            Path again = tmp.resolve("resolved.yaml");
            Files.writeString(again, printed.out().substring(first.length() + 1));
            assertThat(printed.out()).contains("terms:").doesNotContain("alpha: 0.7").doesNotContain("temperature: 4.0");
            CliRun r = CliRun.of("validate", "--config", again.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            String hash = first.replaceAll(".*config hash (\\w+)\\)$", "$1");
            assertThat(r.out()).as(config).endsWith("config hash " + hash + ")\n");
        }
    }

    @Test
    void missingConfigFileIsExitCode3() {
        CliRun r = CliRun.of("validate", "--config", tmp.resolve("nope.yaml").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.errorLine()).endsWith("nope.yaml: file not found");
    }

    @Test
    void usageErrorsAreExitCode2AndOneLine() {
        CliRun noConfig = CliRun.of("train");
        assertThat(noConfig.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noConfig.errorLine()).startsWith("distill4j: Missing required option: '--config=FILE'").endsWith("; see: distill4j train --help");
        CliRun bogus = CliRun.of("train", "--config", SMOKE, "--bogus");
        assertThat(bogus.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bogus.errorLine()).contains("Unknown option: '--bogus'");
        CliRun unknown = CliRun.of("frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.errorLine()).contains("frobnicate").endsWith("; see: distill4j --help");
        CliRun threads = CliRun.of("train", "--config", SMOKE, "--threads", "0");
        assertThat(threads.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(threads.errorLine()).isEqualTo("distill4j: --threads: expected an integer from 1 to 256 (this machine has "
                + Runtime.getRuntime().availableProcessors() + " processors), got 0; see: distill4j train --help");
    }

    @Test
    void benchStepCountsMustBeUsable() {
        CliRun steps = CliRun.of("bench", "--config", SMOKE, "--steps", "0");
        assertThat(steps.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(steps.err()).contains("--steps: expected at least 1 timed step, got 0");
        CliRun warmup = CliRun.of("bench", "--config", SMOKE, "--warmup", "-1");
        assertThat(warmup.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(warmup.err()).contains("--warmup: expected 0 or more steps, got -1");
    }

    @Test
    void existingRunDirIsRefusedWithExitCode2() throws IOException {
        Files.writeString(tmp.resolve("config.yaml"), "name: old");
        CliRun r = CliRun.of("train", "--config", SMOKE, "--set", "data.root=../data/mnist", "--run-dir", tmp.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.errorLine()).contains("already holds a run");
    }

    @Test
    void missingDataIsExitCode6WithTheFetchCommand() {
        CliRun r = CliRun.of("train", "--config", SMOKE, "--set", "data.root=" + tmp.resolve("empty"),
                "--run-dir", tmp.resolve("run").toString(), "-q");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.DATA);
        assertThat(r.errorLine()).contains("scripts/fetch-data mnist");
    }

    @Test
    void malformedDataIsExitCode6NamingTheFile() throws IOException {
        Path root = tmp.resolve("bad");
        Files.createDirectories(root);
        for (String f : new String[]{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            Files.copy(Path.of("../data/mnist", f), root.resolve(f));
        }
        byte[] bytes = Files.readAllBytes(root.resolve("train-images-idx3-ubyte"));
        bytes[3] = 0x01;  // 0x00000801 is the labels magic, not images
        Files.write(root.resolve("train-images-idx3-ubyte"), bytes);
        CliRun r = CliRun.of("train", "--config", SMOKE, "--set", "data.root=" + root, "--run-dir", tmp.resolve("run").toString(), "-q");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.DATA);
        assertThat(r.errorLine()).contains("train-images-idx3-ubyte").contains("magic");
    }

    @Test
    void helpListsTheExitCodes() {
        CliRun r = CliRun.of("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Exit codes:").containsPattern("(?m)^\\s+3\\s+invalid config")
                .containsPattern("(?m)^\\s+6\\s+data missing or malformed").containsPattern("(?m)^\\s+143\\s+interrupted by SIGTERM");
        assertThat(CliRun.of("train", "--help").out()).contains("Exit codes:").contains("--set");
    }
}
