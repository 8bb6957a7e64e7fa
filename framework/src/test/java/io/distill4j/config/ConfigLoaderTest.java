package io.distill4j.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    /** The real model families (mlp, cnn), engines and precisions: they validate what only they read. */
    static final Vocabulary VOCABULARY = new Vocabulary(Set.of("online"), Set.of("mnist", "fashion-mnist", "imdb"), Set.of("imdb"),
            io.distill4j.model.ModelFamilies.all(), Set.of("adam", "sgd"), io.distill4j.step.TrainingSteps.engines(),
            io.distill4j.step.Precision.all());

    static final String VALID = """
            name: t
            data: {dataset: mnist, root: data/mnist}
            models:
              teacher: {family: mlp, hidden: [32]}
              assistant: {family: mlp, hidden: [16]}
              students:
                - {name: s1, family: mlp, hidden: [8]}
                - {name: s2, family: mlp, hidden: [4], learnsFrom: teacher}
                - {name: s3, family: mlp, learnsFrom: labels}
            distill: {temperature: 3, alpha: 0.5, period: 2, burnInSteps: 10}
            training: {epochs: 2, batchSize: 64, seed: 7}
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private ResolvedConfig load(String yaml, String... overrides) throws IOException {
        return new ConfigLoader(VOCABULARY).load(write(yaml), List.of(overrides));
    }

    @Test
    void validConfigGetsDefaultsFilledIn() throws IOException {
        RunConfig c = load(VALID).config();
        assertThat(c.recipe()).isEqualTo("online");
        assertThat(c.models().teacher().name()).isEqualTo("teacher");
        assertThat(c.models().teacher().learnsFrom()).isEqualTo("labels");
        assertThat(c.models().assistant().learnsFrom()).isEqualTo("teacher");
        assertThat(c.models().students().get(0).learnsFrom()).isEqualTo("assistant");
        assertThat(c.models().students().get(1).learnsFrom()).isEqualTo("teacher");
        assertThat(c.models().students().get(2).hidden()).isEmpty();
        assertThat(c.models().students().get(0).optimizer().name()).isEqualTo("adam");
        assertThat(c.distill().period()).isEqualTo(2);
        assertThat(c.training().seed()).isEqualTo(7L);
        assertThat(c.output().runs()).as("relative to the config file's folder (no configs/ above it)").isEqualTo(dir.resolve("runs").toString());
    }

    @Test
    void resolvedYamlLoadsBackToTheSameConfigAndHash() throws IOException {
        ResolvedConfig first = load(VALID);
        ResolvedConfig again = load(first.yaml());
        assertThat(again.config()).isEqualTo(first.config());
        assertThat(again.hash()).isEqualTo(first.hash()).hasSize(64);
    }

    @Test
    void overridesGoThroughTheSameBinding() throws IOException {
        ResolvedConfig r = load(VALID, "distill.temperature=2", "models.students[0].hidden=[64, 32]", "training.seed=9");
        assertThat(r.config().distill().temperature()).isEqualTo(2.0);
        assertThat(r.config().models().students().get(0).hidden()).containsExactly(64, 32);
        assertThat(r.config().training().seed()).isEqualTo(9L);
        assertThat(r.hash()).isNotEqualTo(load(VALID).hash());
        ConfigLoader loader = new ConfigLoader(VOCABULARY);
        assertThat(loader.changedKeys(load(VALID).config(), r.config()))
                .containsExactly("distill.temperature", "models.students[0].hidden", "training.seed");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // override                          | key path in the message          | expectation in the message
        "distill.temprature=2                | distill.temprature               | unknown key",
        "training.epochs=two                 | training.epochs                  | expected an integer",
        "training.epochs=2.5                 | training.epochs                  | expected an integer",
        "training.epochs=0                   | training.epochs                  | expected a value in [1, 10000], got 0",
        "distill.alpha=1.5                   | distill.alpha                    | expected a value in [0, 1], got 1.5",
        "distill.temperature=-1              | distill.temperature              | expected a value in",
        "distill.period=0                    | distill.period                   | expected an integer >= 1",
        "data.dataset=cifar                  | data.dataset                     | expected one of [fashion-mnist, imdb, mnist], got 'cifar'",
        "models.teacher.family=rnn           | models.teacher.family            | expected one of [cnn, mlp, transformer]",
        "models.students[1].learnsFrom=tutor | models.students[1].learnsFrom    | expected one of [teacher, assistant, labels]",
        "models.students[0].hidden=[0]       | models.students[0].hidden[0]     | expected a value in [1, 65536]",
        "models.students[0].hidden=wide      | models.students[0].hidden        | expected a list",
        "models.students[0].dropout=1        | models.students[0].dropout       | expected a drop probability in [0, 1)",
        "models.students[0].optimizer.name=lbfgs | models.students[0].optimizer.name | expected one of [adam, sgd]",
        "models.students[0].signalSource=magic | models.students[0].signalSource | expected one of [training-pass, eval-pass]",
        "models.students[1].name=s1          | models.students[1].name          | unique model name",
        "training.engine=turbo               | training.engine                  | expected one of [fused, dl4j], got 'turbo'",
        "training.precision=fp16             | training.precision               | expected one of [fp32, bf16], got 'fp16'",
        "models.teacher.learnsFrom=assistant | models.teacher.learnsFrom        | expected one of [labels]",
        "models.students[0].conv=[{filters: 3}] | models.students[0].conv       | only a cnn has conv stages",
        "training.batchSize=100000           | training.batchSize               | expected a value in [1, 60000]",
        "name=has space                      | name                             | expected letters, digits",
        "data.validation=-1                  | data.validation                  | expected an integer >= 0, got -1",
        "data.maxLength=256                  | data.maxLength                   | only text datasets [imdb] take it, and mnist is an image dataset; remove the key",
        "data.vocabSize=20000                | data.vocabSize                   | only text datasets [imdb] take it, and mnist is an image dataset; remove the key",
        "data.truncation=tail                | data.truncation                  | only text datasets [imdb] take it, and mnist is an image dataset; remove the key",
    })
    void badValuesNameTheKeyAndWhatWasExpected(String override, String key, String expected) {
        assertThatThrownBy(() -> load(VALID, override))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key + ": ")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    static final String IMDB = """
            name: t
            data: {dataset: imdb}
            models:
              teacher: {family: transformer, layers: 2, hidden: [32], heads: 4, ffn: 64}
              assistant: {family: transformer, hidden: [16], heads: 2}
              students:
                - {name: s1, family: transformer, hidden: [8], heads: 2, norm: post, pooling: cls}
            distill: {temperature: 3, alpha: 0.5}
            training: {epochs: 2, batchSize: 32, seed: 7}
            """;

    @Test
    void aTransformersKeysResolveAndImageConfigsDoNotGrowThem() throws IOException {
        RunConfig c = load(IMDB).config();
        ModelSpec t = c.models().teacher();
        assertThat(List.of(t.layers(), t.heads(), t.ffn())).containsExactly(2, 4, 64);
        assertThat(c.models().students().get(0).norm()).isEqualTo("post");
        assertThat(c.models().students().get(0).pooling()).isEqualTo("cls");
        assertThat(load(IMDB).yaml()).contains("layers: 2").contains("heads: 4").contains("pooling: cls");
        assertThat(load(VALID).yaml()).doesNotContain("layers").doesNotContain("heads").doesNotContain("pooling").doesNotContain("norm");
    }

    @Test
    void aTransformerOnImagesAndTransformerKeysOnAnMlpAreRefused() {
        assertThatThrownBy(() -> load(VALID, "models.teacher={family: transformer, hidden: [32], heads: 2}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models.teacher.family: a transformer reads token ids, and mnist is an image dataset; use mlp or cnn");
        assertThatThrownBy(() -> load(VALID, "models.teacher.layers=2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models.teacher: layers, heads, ffn, norm and pooling are transformer keys; remove them or set family: transformer");
    }

    @Test
    void aTextDatasetGetsItsLengthAndVocabularyDefaultsWrittenIntoTheResolvedConfig() throws IOException {
        ResolvedConfig r = load(IMDB);
        assertThat(r.config().data().maxLength()).isEqualTo(DataSpec.DEFAULT_MAX_LENGTH).isEqualTo(256);
        assertThat(r.config().data().vocabSize()).isEqualTo(DataSpec.DEFAULT_VOCAB_SIZE).isEqualTo(20_000);
        assertThat(r.config().data().root()).isEqualTo(dir.resolve("data/imdb").toString());
        assertThat(r.yaml()).contains("maxLength: 256").contains("vocabSize: 20000");
        assertThat(load(r.yaml()).config()).isEqualTo(r.config());
        RunConfig set = load(IMDB, "data.maxLength=128", "data.vocabSize=30000").config();
        assertThat(set.data().maxLength()).isEqualTo(128);
        assertThat(set.data().vocabSize()).isEqualTo(30_000);
        assertThat(new ConfigLoader(VOCABULARY).changedKeys(r.config(), set)).containsExactly("data.maxLength", "data.vocabSize");
    }

    @Test
    void aTextDatasetsTruncationIsKeptAsWrittenAndUnsetMeansTheHead() throws IOException {
        ResolvedConfig unset = load(IMDB);
        assertThat(unset.config().data().truncation()).isNull();
        assertThat(unset.yaml()).doesNotContain("truncation");
        assertThat(unset.config().data().request().truncation()).isNull();
        ResolvedConfig tail = load(IMDB, "data.truncation=headTail");
        assertThat(tail.yaml()).contains("truncation: headTail");
        assertThat(load(tail.yaml()).config()).isEqualTo(tail.config());
        assertThat(tail.config().data().request().truncation()).isEqualTo(io.distill4j.data.text.Truncation.HEAD_TAIL);
        assertThat(new ConfigLoader(VOCABULARY).changedKeys(unset.config(), tail.config())).containsExactly("data.truncation");
    }

    @Test
    void anImageDatasetsResolvedConfigHasNoTextKeys() throws IOException {
        ResolvedConfig r = load(VALID);
        assertThat(r.config().data().maxLength()).isNull();
        assertThat(r.config().data().vocabSize()).isNull();
        assertThat(r.yaml()).doesNotContain("maxLength").doesNotContain("vocabSize");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "data.maxLength=0            | data.maxLength: expected a value in [1, 65536], got 0",
        "data.maxLength=65537        | data.maxLength: expected a value in [1, 65536], got 65537",
        "data.maxLength=long         | data.maxLength: expected an integer",
        "data.maxLength=2.5          | data.maxLength: expected an integer",
        "data.vocabSize=3            | data.vocabSize: expected a value in [4, 16777216], got 3",
        "data.truncation=middle      | data.truncation: expected one of [head, tail, headTail], got 'middle'",
        "data.truncation=TAIL        | data.truncation: expected one of [head, tail, headTail], got 'TAIL'",
        "data.vocabSize=16777217     | data.vocabSize: expected a value in [4, 16777216], got 16777217",
        "data.vocabSize=99999999999  | data.vocabSize: expected a value in [4, 16777216], got 99999999999",
        "models.teacher.hidden=[32, 16]          | models.teacher.hidden: a transformer takes one width (the model dimension), e.g. hidden: [64]; got [32, 16]",
        "models.teacher.heads=3                  | models.teacher.heads: must divide hidden (32): 3 heads",
        "models.teacher.layers=0                 | models.teacher.layers: expected a value in [1, 64], got 0",
        "models.teacher.ffn=0                    | models.teacher.ffn: expected a value in [1, 65536], got 0",
        "models.teacher.norm=middle              | models.teacher.norm: expected one of [pre, post], got 'middle'",
        "models.teacher.pooling=max              | models.teacher.pooling: expected one of [mean, cls], got 'max'",
        "models.teacher.optimizer.name=sgd       | models.teacher.optimizer.name: a transformer trains with adam; got 'sgd'",
        "models.teacher.optimizer.schedule=linear | models.teacher.optimizer.schedule: a transformer trains at a constant learning rate",
        "models.teacher.family=mlp               | models.teacher.family: a mlp reads pixels, and imdb is a text dataset; use family: transformer",
        "training.precision=bf16                 | training.precision: model 'teacher' is a transformer, which trains in fp32 only; use fp32",
    })
    void badTextAndTransformerKeysAreConfigErrorsNamingTheKey(String override, String expected) {
        assertThatThrownBy(() -> load(IMDB, override))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void theTextKeysInAnImageConfigFileAreRefusedToo() {
        assertThatThrownBy(() -> load(VALID.replace("root: data/mnist}", "root: data/mnist, maxLength: 128}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("c.yaml") + ": data.maxLength: only text datasets [imdb] take it, and mnist is an image dataset; remove the key");
    }

    @Test
    void precisionIsFp32UnlessAskedAndBf16OnlyWhereTheFusedMlpStepRunsItOnBf16Units() throws IOException {
        assertThat(load(VALID).config().training().precision()).isEqualTo("fp32");
        assertThatThrownBy(() -> load(VALID, "training.precision=bf16", "training.engine=dl4j")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("training.precision: bf16 needs training.engine: fused");
        assertThatThrownBy(() -> load(VALID, "training.precision=bf16", "models.teacher.family=cnn", "models.teacher.hidden=[16]",
                "models.teacher.conv=[{filters: 4, kernel: 5, pool: 2}]")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("training.precision: bf16 runs only the fused MLP step, and model 'teacher' is a cnn");
        if (io.distill4j.step.Precision.bf16Problem().isEmpty()) {
            assertThat(load(VALID, "training.precision=bf16").config().training().precision()).isEqualTo("bf16");
        } else {
            assertThatThrownBy(() -> load(VALID, "training.precision=bf16")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("training.precision: this CPU").hasMessageContaining("no bf16 units")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void validationAndTwinsAreCheckedAgainstTheRestOfTheConfig() throws IOException {
        assertThat(load(VALID).config().data().validation()).isEqualTo(DataSpec.DEFAULT_VALIDATION);
        assertThat(load(VALID).config().distill().twins()).isFalse();
        assertThat(load(VALID, "distill.twins=true").config().distill().twins()).isTrue();
        assertThatThrownBy(() -> load(VALID, "data.trainLimit=100", "data.validation=50")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("data.validation: expected at most data.trainLimit - training.batchSize (36)");
        // a model already named like a twin would collide with it
        assertThatThrownBy(() -> load(VALID, "distill.twins=true", "models.students[2].name=s1.twin")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("distill.twins: the twin of models.students[0] would be named 's1.twin'");
        // ... but not when twins are off, or when the student learns from labels (it has no twin)
        assertThat(load(VALID, "models.students[2].name=s1.twin").config().models().students()).hasSize(3);
        assertThat(load(VALID, "distill.twins=true", "models.students[1].name=s3.twin").config().distill().twins()).isTrue();
    }

    @Test
    void danglingLearnsFromIsReported() {
        String noAssistant = VALID.replace("  assistant: {family: mlp, hidden: [16]}\n", "");
        assertThatThrownBy(() -> load(noAssistant, "models.students[0].learnsFrom=assistant"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models.students[0].learnsFrom: refers to the assistant, but models.assistant is not defined");
        String noTeacher = """
                name: t
                data: {dataset: mnist}
                models:
                  students: [{name: s, family: mlp, learnsFrom: teacher}]
                """;
        assertThatThrownBy(() -> load(noTeacher)).hasMessageContaining("models.students[0].learnsFrom: refers to the teacher");
    }

    @Test
    void unknownKeyInFileNamesTheFullPathAndTheKnownKeys() {
        assertThatThrownBy(() -> load(VALID.replace("hidden: [8]", "hidden: [8], widht: 3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("c.yaml: models.students[0].widht: unknown key (expected one of [")
                .hasMessageContaining("hidden");
    }

    @Test
    void cnnThatShrinksToNothingIsRejected() {
        assertThatThrownBy(() -> load(VALID, "models.teacher.family=cnn",
                "models.teacher.conv=[{filters: 4, kernel: 5, pool: 2}, {filters: 4, kernel: 5, pool: 2}, {filters: 4, kernel: 5, pool: 2}]"))
                .hasMessageContaining("models.teacher.conv[2]: the image shrinks to nothing");
        assertThatThrownBy(() -> load(VALID, "models.teacher.family=cnn"))
                .hasMessageContaining("models.teacher.conv: expected at least one conv stage");
    }

    /** The CNN family checks its own keys (config knows no conv stage), in the words the validator uses for its own. */
    @Test
    void theCnnFamilysOwnKeysNameTheirRange() {
        assertThatThrownBy(() -> load(VALID, "models.teacher.family=cnn", "models.teacher.conv=[{filters: 4, kernel: 29}]"))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("models.teacher.conv[0].kernel: expected a value in [1, 28], got 29");
        assertThatThrownBy(() -> load(VALID, "models.teacher.family=cnn", "models.teacher.conv=[{filters: 0}]"))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("models.teacher.conv[0].filters: expected a value in [1, 4096], got 0");
        assertThatThrownBy(() -> load(VALID.replace("teacher: {family: mlp, hidden: [32]}",
                "teacher: {family: cnn, hidden: [32], conv: [{filters: 4, pool: 99999999999}]}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("c.yaml: models.teacher.conv[0].pool: expected a value in [1, 28], got 99999999999");
    }

    @Test
    void structuralProblemsAreOneLineErrors() throws IOException {
        assertThatThrownBy(() -> load("name: [unclosed")).isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> load("- a\n- b\n")).hasMessageContaining("expected a YAML mapping");
        assertThatThrownBy(() -> load(VALID.replace("data: {dataset: mnist, root: data/mnist}\n", "")))
                .hasMessageContaining("data: missing");
        assertThatThrownBy(() -> load(VALID, "models.students=[]")).hasMessageContaining("models.students: expected at least one student");
        assertThatThrownBy(() -> load(VALID, "distill.alpha")).hasMessageContaining("expected KEY=VALUE");
        assertThatThrownBy(() -> new ConfigLoader(VOCABULARY).load(dir.resolve("missing.yaml"), List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yaml: file not found");
    }

    @Test
    void duplicateKeysAreRefusedNamingTheKeyAndBothLines() throws IOException {
        assertThatThrownBy(() -> load(VALID + "training: {epochs: 3}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("c.yaml: duplicate key 'training' at lines 11 and 12");
        String nested = """
                name: t
                data: {dataset: mnist}
                models:
                  teacher:
                    family: mlp
                    hidden: [32]
                    hidden: [64]
                  students: [{name: s, family: mlp}]
                """;
        assertThatThrownBy(() -> load(nested)).hasMessageEndingWith("c.yaml: duplicate key 'models.teacher.hidden' at lines 6 and 7");
        assertThatThrownBy(() -> load(VALID.replace("hidden: [4]", "hidden: [4], hidden: [5]")))
                .hasMessageEndingWith("c.yaml: duplicate key 'models.students[1].hidden' twice on line 8");
        // the same key in different mappings is no duplicate
        assertThat(load(VALID).config().models().students()).hasSize(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // override                                 | the whole message
        "name.x=1                                   | --set name.x=1: 'name' is a string, it has no field 'x'",
        "name.x.y=1                                 | --set name.x.y=1: 'name' is a string, it has no field 'x'",
        "name[0]=x                                  | --set name[0]=x: 'name' is a string, not a list: it has no index [0]",
        "models.teacher[0]=1                        | --set models.teacher[0]=1: 'models.teacher' is a mapping, not a list: it has no index [0]",
        "models.students[0].hidden[0].x=1           | --set models.students[0].hidden[0].x=1: 'models.students[0].hidden[0]' is a number, it has no field 'x'",
        "models.students[99999999999].hidden=1      | --set models.students[99999999999].hidden=1: index 99999999999 is out of range: models.students has 3 entries",
        "models.students[9].hidden=[3]              | --set models.students[9].hidden=[3]: index 9 is out of range: models.students has 3 entries",
        "models.teacher.conv[0].filters=3           | --set models.teacher.conv[0].filters=3: 'models.teacher.conv' is not in the config, so it has no index [0]; set the whole list, e.g. models.teacher.conv=[...]",
        "models..hidden=1                           | --set models..hidden=1: expected a key path like distill.temperature or models.students[0].hidden",
        "distill.alpha                              | --set distill.alpha: expected KEY=VALUE, e.g. distill.temperature=2",
    })
    void overridePathProblemsAreUsageErrorsNamingTheOverride(String override, String message) {
        assertThatThrownBy(() -> load(VALID, override))
                .isInstanceOf(OverrideException.class)
                .hasMessage(message);
    }

    @Test
    void aBadValueFromAnOverrideIsBlamedOnTheOverrideNotTheFile() {
        assertThatThrownBy(() -> load(VALID, "training.seed=9", "distill.alpha=2"))
                .isInstanceOf(ConfigException.class).isNotInstanceOf(OverrideException.class)
                .hasMessage("--set distill.alpha=2: distill.alpha: expected a value in [0, 1], got 2.0");
        assertThatThrownBy(() -> load(VALID, "models.students[0].hidden=[8, 0]"))
                .hasMessage("--set models.students[0].hidden=[8, 0]: models.students[0].hidden[1]: expected a value in [1, 65536], got 0");
        assertThatThrownBy(() -> load(VALID, "training.foo.bar=1"))
                .hasMessageStartingWith("--set training.foo.bar=1: training.foo: unknown key");
        // a mistake the file made is still the file's, whatever else was overridden
        assertThatThrownBy(() -> load(VALID.replace("alpha: 0.5", "alpha: 5"), "distill.temperature=2"))
                .hasMessageEndingWith("c.yaml: distill.alpha: expected a value in [0, 1], got 5.0");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        ".nan   | .nan",
        ".NaN   | .NaN",
        ".inf   | .inf",
        "-.Inf  | -.Inf",
        "1e400  | 1e400",
    })
    void aNonFiniteNumberNamesItsKey(String written, String shown) {
        assertThatThrownBy(() -> load(VALID.replace("alpha: 0.5", "alpha: " + written)))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("c.yaml: distill.alpha: expected a finite number, got " + shown + " (line 10)");
        assertThatThrownBy(() -> load(VALID, "distill.alpha=" + written))
                .hasMessage("--set distill.alpha=" + written + ": distill.alpha: expected a finite number, got " + shown);
    }

    @Test
    void yamlAliasesAreRefusedNamingTheKeyAndWhatWasExpected() {
        String aliased = VALID.replace("hidden: [32]", "hidden: &wide [32]").replace("hidden: [16]", "hidden: *wide");
        assertThatThrownBy(() -> load(aliased))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("c.yaml: models.assistant.hidden: expected a list, got the alias *wide (line 5); "
                        + "YAML anchors and aliases are not supported, write the value out");
        assertThatThrownBy(() -> load(VALID.replace("name: t", "name: &n t") + "output: {runs: *n}\n"))
                .hasMessageEndingWith("c.yaml: output.runs: expected a string, got the alias *n (line 12); "
                        + "YAML anchors and aliases are not supported, write the value out");
    }

    @Test
    void aFileThatIsNotUtf8SaysSoWithTheByteOffsetAndLine() throws IOException {
        byte[] latin1 = (VALID.replace("name: t", "name: caf\u00e9")).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("c.yaml"), latin1);
        assertThatThrownBy(() -> new ConfigLoader(VOCABULARY).load(dir.resolve("c.yaml"), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("c.yaml: not UTF-8 text (byte 0xE9 at offset 9, line 1); save the file as UTF-8");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "training: {epochs: 2,            | training: {epochs: 99999999999,            | training.epochs: expected a value in [1, 10000], got 99999999999",
        "training: {epochs: 2,            | training: {epochs: -99999999999,           | training.epochs: expected a value in [1, 10000], got -99999999999",
        "hidden: [32]                     | hidden: [32, 99999999999]                  | models.teacher.hidden[1]: expected a value in [1, 65536], got 99999999999",
        "data: {dataset: mnist,           | data: {validation: 3000000000, dataset: mnist, | data.validation: expected an integer in [0, 2147483647], got 3000000000",
        "seed: 7                          | seed: 99999999999999999999                 | training.seed: expected an integer in [-9223372036854775808, 9223372036854775807], got 99999999999999999999",
    })
    void anIntegerTooLargeToHoldNamesItsKeyAndRange(String from, String to, String expected) {
        assertThatThrownBy(() -> load(VALID.replace(from, to)))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("c.yaml: " + expected);
    }

    @Test
    void aRunThatCannotFitInMemoryIsRefusedNamingTheBiggestKey() throws IOException {
        MemoryBudget tiny = new MemoryBudget(64L << 20, 1L << 30);
        ConfigLoader loader = new ConfigLoader(VOCABULARY, tiny);
        String small = VALID.replace("root: data/mnist}", "root: data/mnist, trainLimit: 1000, validation: 100, testLimit: 1000}");
        assertThat(loader.load(write(small), List.of()).config()).isNotNull();
        assertThatThrownBy(() -> loader.load(write(small), List.of("models.teacher.hidden=[4096, 4096]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--set models.teacher.hidden=[4096, 4096]: models.teacher.hidden: the run needs about ")
                .hasMessageContaining("of native (off-heap) memory, ")
                .hasMessageContaining("but 64.0 MiB is available")
                .hasMessageEndingWith("; reduce models.teacher.hidden")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> loader.load(write(small.replace("hidden: [8]}", "hidden: [20000]}")), List.of()))
                .hasMessageStartingWith(dir.resolve("c.yaml") + ": models.students[0].hidden: the run needs about ");
    }

    @Test
    void aResumedRunsInitFileNeedNotExistAnyLonger() throws IOException {
        // round 3, D6: the checkpoint holds the weights; the init: file was read when the run started
        Path gone = dir.resolve("moved-away.zip");
        Path config = write(VALID);
        assertThatThrownBy(() -> new ConfigLoader(VOCABULARY).load(config, List.of("models.students[0].init=" + gone)))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("'" + gone + "' is not a file");
        ResolvedConfig resumed = new ConfigLoader(VOCABULARY).forResume().load(config, List.of("models.students[0].init=" + gone));
        assertThat(resumed.config().models().students().get(0).init()).isEqualTo(gone.toString());
        Files.createFile(gone);
        assertThat(resumed.hash()).as("the same config either way")
                .isEqualTo(new ConfigLoader(VOCABULARY).load(config, List.of("models.students[0].init=" + gone)).hash());
        assertThatThrownBy(() -> new ConfigLoader(VOCABULARY).forResume().load(config, List.of("models.students[0].init=' '")))
                .as("still a path").hasMessageContaining("models.students[0].init: expected a saved model zip");
    }

    @Test
    void aConfigFileOverOneMebibyteIsRefusedBeforeItIsReadNamingTheLimit() throws IOException {
        // round 3, D12: 16 MB took 75 s to be refused in SnakeYAML's words; a 4 MB comment was even accepted
        Path big = write(VALID + "#" + "x".repeat(16 << 20) + "\n");
        long started = System.nanoTime();
        assertThatThrownBy(() -> new ConfigLoader(VOCABULARY).load(big, List.of())).isInstanceOf(ConfigException.class)
                .hasMessage(big + ": is " + String.format(java.util.Locale.ROOT, "%,d", Files.size(big)) + " bytes, more than the 1 MiB "
                        + "(1,048,576 bytes) a config file may have; a config is a few kilobytes, check that this is the file you meant");
        assertThat(System.nanoTime() - started).as("refused without reading").isLessThan(1_000_000_000L);
        Path justUnder = write(VALID + "#" + "x".repeat((1 << 20) - VALID.length() - 2) + "\n");
        assertThat(Files.size(justUnder)).isEqualTo(1 << 20);
        assertThat(new ConfigLoader(VOCABULARY).load(justUnder, List.of()).config().name()).isEqualTo("t");
    }

    @Test
    void aSecondYamlDocumentAndDeepNestingAreSaidInOurWords() throws IOException {
        // round 3, D21: Jackson's "Trailing token ... FAIL_ON_TRAILING_TOKENS" and "StreamReadConstraints.getMaxNestingDepth()"
        Path two = write(VALID + "---\nname: y\n");
        assertThatThrownBy(() -> new ConfigLoader(VOCABULARY).load(two, List.of())).isInstanceOf(ConfigException.class)
                .hasMessage(two + ": holds a second YAML document (line 13); a config is one document: remove the '---' line and what "
                        + "follows it, or merge the two");
        Path deep = write("name: " + "[".repeat(1200) + "]".repeat(1200) + "\n");
        assertThatThrownBy(() -> new ConfigLoader(VOCABULARY).load(deep, List.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(deep + ": nests mappings or lists more than 1000 levels deep")
                .hasMessageNotContaining("StreamReadConstraints").hasMessageNotContaining("`");
    }
}
