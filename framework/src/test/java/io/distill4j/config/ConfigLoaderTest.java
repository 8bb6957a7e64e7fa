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
    static final Vocabulary VOCABULARY = new Vocabulary(Set.of("online"), Set.of("mnist", "fashion-mnist"),
            Set.of("mlp", "cnn"), Set.of("adam", "sgd"));

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
        "data.dataset=cifar                  | data.dataset                     | expected one of [fashion-mnist, mnist], got 'cifar'",
        "models.teacher.family=rnn           | models.teacher.family            | expected one of [cnn, mlp]",
        "models.students[1].learnsFrom=tutor | models.students[1].learnsFrom    | expected one of [teacher, assistant, labels]",
        "models.students[0].hidden=[0]       | models.students[0].hidden[0]     | expected a value in [1, 65536]",
        "models.students[0].hidden=wide      | models.students[0].hidden        | expected a list",
        "models.students[0].dropout=1        | models.students[0].dropout       | expected a drop probability in [0, 1)",
        "models.students[0].optimizer.name=lbfgs | models.students[0].optimizer.name | expected one of [adam, sgd]",
        "models.students[0].signalSource=magic | models.students[0].signalSource | expected one of [training-pass, eval-pass]",
        "models.students[1].name=s1          | models.students[1].name          | unique model name",
        "training.engine=turbo               | training.engine                  | expected one of [fused, dl4j], got 'turbo'",
        "models.teacher.learnsFrom=assistant | models.teacher.learnsFrom        | expected one of [labels]",
        "models.students[0].conv=[{filters: 3}] | models.students[0].conv       | only a cnn has conv stages",
        "models.students[9].hidden=[3]       | models.students[9].hidden        | index 9 out of range (the list has 3 entries)",
        "training.batchSize=100000           | training.batchSize               | expected a value in [1, 60000]",
        "name=has space                      | name                             | expected letters, digits",
        "data.validation=-1                  | data.validation                  | expected an integer >= 0, got -1",
    })
    void badValuesNameTheKeyAndWhatWasExpected(String override, String key, String expected) {
        assertThatThrownBy(() -> load(VALID, override))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key + ": ")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
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
}
