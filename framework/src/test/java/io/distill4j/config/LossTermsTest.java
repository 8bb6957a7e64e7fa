package io.distill4j.config;

import io.distill4j.loss.Term;
import io.distill4j.loss.TermKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The loss-term keys of issue 13 (distill.terms, models.*.terms, ald, warmStartSteps, warmStartOn, init): every way to
 * get them wrong is a one-line ConfigException naming the key, and what they resolve to ({@link LossTerms#resolve}).
 */
class LossTermsTest {
    /** A transformer ladder whose every learner takes distill.terms: teacher (2 layers) -> assistant (1) -> s1 (1). */
    static final String TITANISH = """
            name: t
            data: {dataset: imdb, maxLength: 16, vocabSize: 100}
            models:
              teacher: {family: transformer, layers: 2, hidden: [16], heads: 2, ffn: 32}
              assistant: {family: transformer, layers: 1, hidden: [16], heads: 2, ffn: 32}
              students:
                - {name: s1, family: transformer, layers: 1, hidden: [8], heads: 2, ffn: 16}
            distill:
              terms:
                - {term: labels, weight: 0.5}
                - {term: logits, weight: 0.5, temperature: 2}
                - {term: attention, weight: 1.0}
            training: {epochs: 1, batchSize: 8, seed: 7}
            """;

    /** The same ladder of MLPs (on images), which learn from labels and logits only. */
    static final String MLPS = """
            name: t
            data: {dataset: mnist}
            models:
              teacher: {family: mlp, hidden: [32]}
              assistant: {family: mlp, hidden: [16]}
              students:
                - {name: s1, family: mlp, hidden: [8]}
            distill:
              terms:
                - {term: labels, weight: 0.5}
                - {term: logits, weight: 0.5, temperature: 2}
            training: {epochs: 1, batchSize: 8, seed: 7}
            """;

    /** Configs without terms, their paths absolute so that the hash does not depend on where the test runs. */
    static final String MNIST_NO_TERMS = """
            name: t
            data: {dataset: mnist, root: /d4j/data/mnist}
            models:
              teacher: {family: mlp, hidden: [32]}
              assistant: {family: mlp, hidden: [16]}
              students:
                - {name: s1, family: mlp, hidden: [8]}
                - {name: s2, family: mlp, hidden: [4], learnsFrom: teacher, alpha: 0.3, temperature: 2}
                - {name: s3, family: mlp, learnsFrom: labels}
            distill: {temperature: 3, alpha: 0.5, period: 2, burnInSteps: 10, twins: true}
            training: {epochs: 2, batchSize: 64, seed: 7}
            output: {runs: /d4j/runs}
            """;
    static final String IMDB_NO_TERMS = """
            name: t
            data: {dataset: imdb, root: /d4j/data/imdb, maxLength: 32, vocabSize: 500}
            models:
              teacher: {family: transformer, layers: 2, hidden: [32], heads: 4, ffn: 64}
              assistant: {family: transformer, hidden: [16], heads: 2}
              students:
                - {name: s1, family: transformer, hidden: [8], heads: 2, norm: post, pooling: cls, alpha: 0.25}
            distill: {temperature: 3, alpha: 0.5}
            training: {epochs: 2, batchSize: 32, seed: 7}
            output: {runs: /d4j/runs}
            """;

    /** Plenty: these tests are about terms, not about the memory a run needs. */
    static final MemoryBudget AMPLE = new MemoryBudget(64L << 30, 64L << 30);

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private ResolvedConfig load(String yaml, String... overrides) throws IOException {
        return new ConfigLoader(ConfigLoaderTest.VOCABULARY, AMPLE).load(write(yaml), List.of(overrides));
    }

    private void refused(String yaml, String key, String expected, String... overrides) {
        assertThatThrownBy(() -> load(yaml, overrides))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).keyPath()).isEqualTo(key))
                .hasMessageContaining(key + ": ")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void theBaseConfigsValidate() throws IOException {
        // the error cases below each change one thing of these
        assertThat(load(TITANISH).config().distill().terms()).hasSize(3);
        assertThat(load(MLPS).config().distill().terms()).extracting(TermSpec::term).containsExactly("labels", "logits");
    }

    // ---- each term on its own ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // override                                   | key                            | distinctive part of the message
        "distill.terms[1].term=soft                   | distill.terms[1].term          | expected one of [labels, logits, attention, relations, hidden], got 'soft'",
        "distill.terms[1]={weight: 0.5}               | distill.terms[1].term          | missing (expected one of [labels, logits, attention, relations, hidden])",
        "distill.terms[0]={term: labels}              | distill.terms[0].weight        | missing (expected a weight >= 0)",
        "distill.terms[0].weight=-0.5                 | distill.terms[0].weight        | expected a weight in [0, 1000], got -0.5",
        "distill.terms[2].temperature=2               | distill.terms[2].temperature   | only a logits term has a temperature; remove it",
        "distill.terms[0].temperature=2               | distill.terms[0].temperature   | only a logits term has a temperature; remove it",
        "distill.terms[1].temperature=0               | distill.terms[1].temperature   | expected a number in [0.001, 100], got 0.0",
        "distill.terms[0].teacherLayer=0              | distill.terms[0].teacherLayer  | a labels term reads no layer; only attention, relations and hidden do",
        "distill.terms[1].teacherLayer=last           | distill.terms[1].teacherLayer  | a logits term reads no layer; only attention, relations and hidden do",
        "distill.terms[1].studentLayer=0              | distill.terms[1].studentLayer  | a logits term reads no layer",
        "distill.terms[2]={term: relations, weight: 1} | distill.terms[2].relationHeads | expected a relation-head count >= 1 that divides both models' widths",
        "distill.terms[2]={term: relations, weight: 1, relationHeads: 0} | distill.terms[2].relationHeads | expected a relation-head count >= 1",
        "distill.terms[2].relationHeads=2             | distill.terms[2].relationHeads | only a relations term has relation heads; remove it",
        "distill.terms[2].ramp={from: 5, to: 5}       | distill.terms[2].ramp          | expected {from: A, to: B} with 0 <= A < B (online steps)",
        "distill.terms[2].ramp={from: 9, to: 5}       | distill.terms[2].ramp          | expected {from: A, to: B} with 0 <= A < B (online steps)",
        "distill.terms[2].ramp={from: 5}              | distill.terms[2].ramp          | expected {from: A, to: B} with 0 <= A < B (online steps)",
        "distill.terms[2].ramp={from: -1, to: 5}      | distill.terms[2].ramp          | expected {from: A, to: B} with 0 <= A < B (online steps)",
        "distill.terms[2].ramp={from: 0, to: 5, start: -1} | distill.terms[2].ramp.start | expected a weight in [0, 1000], got -1.0",
        "distill.terms=[]                             | distill.terms                  | expected at least one term",
        "distill.terms=[{term: labels, weight: 0}, {term: logits, weight: 0}] | distill.terms | every weight is 0: the learner would learn nothing",
    })
    void aBadTermNamesItsKey(String override, String key, String expected) {
        refused(TITANISH, key, expected, override);
        // and the override, not the file, is blamed for it
        assertThatThrownBy(() -> load(TITANISH, override)).hasMessageStartingWith("--set " + override + ": " + key + ": ");
    }

    @Test
    void aBadRampIsShownAsTheConfigWritesItNotAsAJavaRecord() {
        // round 3, D21: "got RampSpec[from=10, to=5, start=null]"
        assertThatThrownBy(() -> load(TITANISH, "distill.terms[2].ramp={from: 10, to: 5}"))
                .hasMessageEndingWith("distill.terms[2].ramp: expected {from: A, to: B} with 0 <= A < B (online steps), got {from: 10, to: 5}");
        assertThatThrownBy(() -> load(TITANISH, "distill.terms[2].ramp={from: 10, to: 5, start: 0.5}"))
                .hasMessageEndingWith("got {from: 10, to: 5, start: 0.5}").hasMessageNotContaining("RampSpec");
    }

    @Test
    void theSameMistakesWrittenInTheFileAreTheFiles() {
        assertThatThrownBy(() -> load(TITANISH.replace("{term: labels, weight: 0.5}", "{term: labels}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("c.yaml") + ": distill.terms[0].weight: missing (expected a weight >= 0)");
        assertThatThrownBy(() -> load(TITANISH.replace("term: logits", "term: soft-logits")))
                .hasMessage(dir.resolve("c.yaml") + ": distill.terms[1].term: expected one of [labels, logits, attention, relations, "
                        + "hidden], got 'soft-logits'");
        // a model's own terms are checked the same way, under its key
        refused(TITANISH, "models.students[0].terms[0].weight", "expected a weight in [0, 1000], got -1.0",
                "models.students[0].terms=[{term: labels, weight: -1}]");
        refused(TITANISH, "models.students[0].terms", "expected at least one term", "models.students[0].terms=[]");
    }

    @Test
    void aTermKeyThatNoTermHasIsAnUnknownKey() {
        refused(TITANISH, "distill.terms[2].layer", "unknown key (expected one of [", "distill.terms[2].layer=0");
    }

    // ---- the old keys beside the new ones ---------------------------------------------------------------------

    @Test
    void distillAlphaOrTemperatureBesideDistillTermsSayWhatToWriteInstead() {
        String withAlpha = TITANISH.replace("distill:\n", "distill:\n  alpha: 0.5\n");
        assertThatThrownBy(() -> load(withAlpha))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("c.yaml") + ": distill.alpha: distill.terms weighs each term itself: remove alpha and write the "
                        + "weights as {term: labels, weight: 1 - alpha} and {term: logits, weight: alpha}");
        String withTemperature = TITANISH.replace("distill:\n", "distill:\n  temperature: 2\n");
        assertThatThrownBy(() -> load(withTemperature))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("c.yaml") + ": distill.temperature: distill.terms is set: remove temperature and give the logits "
                        + "term its own, e.g. {term: logits, weight: 0.5, temperature: 2}");
        // set on the command line: blamed on the override
        refused(TITANISH, "distill.alpha", "distill.terms weighs each term itself: remove alpha", "distill.alpha=0.3");
        assertThatThrownBy(() -> load(TITANISH, "distill.alpha=0.3")).hasMessageStartingWith("--set distill.alpha=0.3: distill.alpha: ");
        refused(TITANISH, "distill.temperature", "remove temperature and give the logits term its own", "distill.temperature=3");
        assertThatThrownBy(() -> load(TITANISH, "distill.temperature=3"))
                .hasMessageStartingWith("--set distill.temperature=3: distill.temperature: ");
        // terms given on the command line beside a file's alpha: still refused
        String legacy = TITANISH.replaceAll("(?s)distill:\n.*?training:", "distill: {alpha: 0.5}\ntraining:");
        refused(legacy, "distill.alpha", "distill.terms weighs each term itself", "distill.terms=[{term: labels, weight: 1}]");
    }

    @Test
    void aLearnersOwnAlphaOrTemperatureIsRefusedWhenTermsGiveItsLoss() throws IOException {
        refused(TITANISH, "models.students[0].alpha", "the loss is given by distill.terms, which weighs each term itself; "
                + "set the weight of its logits term instead", "models.students[0].alpha=0.5");
        refused(TITANISH, "models.assistant.temperature", "the loss is given by distill.terms: set the temperature of its logits "
                + "term instead", "models.assistant.temperature=2");
        // its own terms: the message names them
        refused(TITANISH, "models.students[0].alpha", "the loss is given by models.students[0].terms", "models.students[0].alpha=0.5",
                "models.students[0].terms=[{term: labels, weight: 1}]");
        // the teacher learns from labels: distill.terms are not its loss, and its alpha is ignored as before
        assertThat(load(TITANISH, "models.teacher.alpha=0.5").config().models().teacher().alpha()).isEqualTo(0.5);
    }

    // ---- terms against the models ---------------------------------------------------------------------------

    @Test
    void termsOnAModelThatLearnsFromLabelsAloneAreRefused() {
        refused(TITANISH, "models.teacher.terms", "'teacher' learns from labels alone, so its loss is cross-entropy; terms are for "
                + "models that learn from a teacher or assistant: remove it", "models.teacher.terms=[{term: labels, weight: 1}]");
        refused(TITANISH, "models.students[0].terms", "'s1' learns from labels alone", "models.students[0].learnsFrom=labels",
                "models.students[0].terms=[{term: labels, weight: 1}]");
    }

    @Test
    void anMlpLearnerTakesLabelsAndLogitsOnlyAtWeightsAddingUpToOne() throws IOException {
        refused(MLPS, "distill.terms[2].term", "'assistant' is a mlp, which learns from labels and logits only; attention needs a "
                + "transformer learner", "distill.terms=[{term: labels, weight: 0.5}, {term: logits, weight: 0.5}, {term: attention, weight: 1}]");
        refused(MLPS, "distill.terms[1].ramp", "'assistant' is a mlp, whose weights are fixed; ramps need a transformer learner",
                "distill.terms[1].ramp={from: 0, to: 10}");
        refused(MLPS, "distill.terms", "'assistant' is a mlp, whose loss is (1 - a) CE + a T^2 KL: its labels and logits weights "
                + "must add up to 1, got 1.5", "distill.terms[0].weight=1");
        refused(MLPS, "distill.terms", "'assistant' is a mlp: at most one logits term",
                "distill.terms=[{term: labels, weight: 0.5}, {term: logits, weight: 0.25}, {term: logits, weight: 0.25, temperature: 4}]");
        // a student's own terms: its key
        refused(MLPS, "models.students[0].terms", "'s1' is a mlp, whose loss is (1 - a) CE + a T^2 KL: its labels and logits "
                + "weights must add up to 1, got 0.75", "models.students[0].terms=[{term: labels, weight: 0.5}, {term: logits, weight: 0.25}]");
        // and the weights adding up to 1 is what an mlp learner can take
        assertThat(load(MLPS, "distill.terms[0].weight=0.25", "distill.terms[1].weight=0.75").config().distill().terms())
                .extracting(TermSpec::weight).containsExactly(0.25, 0.75);
    }

    @Test
    void attentionNeedsTheSameHeadCountsAndRelationsADividingHeadCount() throws IOException {
        refused(TITANISH, "distill.terms[2].term", "attention compares head by head, and 's1' has 4 heads, 'assistant' 2; match the "
                + "heads or use relations", "models.students[0].heads=4");
        // relations do not need equal heads
        assertThat(load(TITANISH, "models.students[0].heads=4", "distill.terms[2]={term: relations, weight: 1, relationHeads: 4}")
                .config().models().students().get(0).heads()).isEqualTo(4);
        refused(TITANISH, "distill.terms[2].relationHeads", "16 must divide both widths (s1 8, assistant 16)",
                "distill.terms[2]={term: relations, weight: 1, relationHeads: 16}");
        refused(TITANISH, "distill.terms[2].relationHeads", "3 must divide both widths (assistant 16, teacher 16)",
                "distill.terms[2]={term: relations, weight: 1, relationHeads: 3}");
    }

    @Test
    void layersOutOfRangeNameTheModelAndItsLayers() {
        refused(TITANISH, "distill.terms[2].teacherLayer", "'teacher' has layers 0..1, got 5", "distill.terms[2].teacherLayer=5");
        refused(TITANISH, "distill.terms[2].studentLayer", "'assistant' has layers 0..0, got 5", "distill.terms[2].studentLayer=5");
        // the teacher's layer 1 is fine for the assistant, but s1 learns from the assistant, which has layer 0 only
        refused(TITANISH, "distill.terms[2].teacherLayer", "'assistant' has layers 0..0, got 1", "distill.terms[2].teacherLayer=1");
    }

    @Test
    void aLayerThatIsNeitherLastNorAnIndexIsRefusedOnItsKey() {
        refused(TITANISH, "distill.terms[2].teacherLayer", "expected a layer index from 0 or 'last', got 'first'",
                "distill.terms[2].teacherLayer=first");
        refused(TITANISH, "distill.terms[2].studentLayer", "expected a layer index from 0 or 'last', got 'Last'",
                "distill.terms[2].studentLayer=Last");
        // -1 is no way to write 'last': an index counts from 0
        refused(TITANISH, "distill.terms[2].teacherLayer", "expected a layer index from 0 or 'last', got -1",
                "distill.terms[2].teacherLayer=-1");
        refused(TITANISH, "distill.terms[2].studentLayer", "expected a layer index from 0 or 'last', got -2",
                "distill.terms[2].studentLayer=-2");
        // in Jackson's words neither: the message is the one above, and a number that is no index says what is expected
        assertThatThrownBy(() -> load(TITANISH, "distill.terms[2].teacherLayer=first")).message().doesNotContain("LayerRef")
                .doesNotContain("Cannot construct");
        refused(TITANISH, "distill.terms[2].teacherLayer", "expected a layer index from 0 or 'last'", "distill.terms[2].teacherLayer=1.5");
    }

    // ---- ald, warm start, init ------------------------------------------------------------------------------

    @Test
    void aldNeedsATransformerLearnerAndAnAttentionTypeTermOnItsLastLayer() throws IOException {
        refused(TITANISH, "models.teacher.ald", "an auxiliary layer is for a transformer that learns from a publisher; remove it",
                "models.teacher.ald=true");
        refused(TITANISH, "models.students[0].ald", "an auxiliary layer is for a transformer that learns from a publisher",
                "models.students[0].ald=true", "models.students[0].learnsFrom=labels");
        refused(MLPS, "models.students[0].ald", "an auxiliary layer is for a transformer that learns from a publisher",
                "models.students[0].ald=true");
        refused(TITANISH, "models.students[0].ald", "the auxiliary layer would learn nothing: add an attention or relations term with "
                + "studentLayer: last, or remove ald", "models.students[0].ald=true", "distill.terms[2].term=hidden");
        refused(TITANISH, "models.students[0].ald", "the auxiliary layer would learn nothing", "models.students[0].ald=true",
                "distill.terms[2].studentLayer=0");
        // without terms, the loss is labels and logits: nothing for the auxiliary layer either
        String legacy = TITANISH.replaceAll("(?s)distill:\n.*?training:", "distill: {alpha: 0.5}\ntraining:");
        refused(legacy, "models.students[0].ald", "the auxiliary layer would learn nothing", "models.students[0].ald=true");
        // ald: false is always fine, and ald with attention on the last layer validates
        assertThat(load(TITANISH, "models.teacher.ald=false").config().models().teacher().ald()).isFalse();
        assertThat(load(TITANISH, "models.students[0].ald=true").config().models().students().get(0).auxiliaryLayer()).isTrue();
    }

    @Test
    void warmStartIsForAPublisherAndItsKeysAreChecked() throws IOException {
        refused(TITANISH, "models.students[0].warmStartSteps", "'s1' teaches nobody, so there is nothing to warm it up for; remove it",
                "models.students[0].warmStartSteps=5");
        refused(TITANISH, "models.assistant.warmStartSteps", "expected a number of steps >= 0, got -1", "models.assistant.warmStartSteps=-1");
        refused(TITANISH, "models.assistant.warmStartOn", "only with warmStartSteps; remove it or set warmStartSteps",
                "models.assistant.warmStartOn=labels");
        refused(TITANISH, "models.assistant.warmStartOn", "expected one of [signals, labels], got 'logits'",
                "models.assistant.warmStartSteps=5", "models.assistant.warmStartOn=logits");
        ModelSpec a = load(TITANISH, "models.assistant.warmStartSteps=5", "models.assistant.warmStartOn=labels").config().models().assistant();
        assertThat(a.warmStart()).isEqualTo(5);
        assertThat(a.warmsUpOnLabels()).isTrue();
    }

    @Test
    void initMustNameAFile() throws IOException {
        Path missing = dir.resolve("nowhere/model.zip");
        refused(TITANISH, "models.students[0].init", "expected a saved model zip (an export of the same architecture), but '"
                + missing + "' is not a file", "models.students[0].init=" + missing);
        // written in the file, relative to the config's folder
        refused(TITANISH.replace("ffn: 16}", "ffn: 16, init: gone.zip}"), "models.students[0].init", "but '" + dir.resolve("gone.zip")
                + "' is not a file");
        refused(TITANISH, "models.teacher.init", "is not a file", "models.teacher.init=" + dir);
        // a file passes validation (whether it fits the architecture is checked when the run starts)
        Path zip = Files.writeString(dir.resolve("model.zip"), "x");
        assertThat(load(TITANISH, "models.students[0].init=" + zip).config().models().students().get(0).init()).isEqualTo(zip.toString());
    }

    // ---- positive cases ------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"titan.yaml", "titan-smoke.yaml"})
    void theTitanConfigsValidateAndResolveToTheirTerms(String file) throws IOException {
        Path config = Path.of("../configs/imdb").resolve(file);
        ResolvedConfig r = new ConfigLoader(ConfigLoaderTest.VOCABULARY, AMPLE).load(config, List.of("data.root=" + dir));
        RunConfig c = r.config();
        ModelsSpec m = c.models();
        assertThat(c.distill().terms()).extracting(TermSpec::term).containsExactly("labels", "logits", "attention");
        assertThat(m.assistant().warmStart()).isPositive();
        assertThat(m.students()).allMatch(ModelSpec::auxiliaryLayer);
        // the assistant (1 layer) learns the teacher's last layer (1) on its own last layer (0)
        List<Term> assistant = LossTerms.resolve(m.assistant(), m.teacher(), c.distill());
        assertThat(assistant).containsExactly(Term.labels(0.5), Term.logits(0.5, 2.0),
                new Term(TermKind.ATTENTION, "attention", 1.0, LossTerms.DEFAULT_TEMPERATURE, 1, 0, 0, null));
        // a student learns the assistant's last layer (0) on its auxiliary layer (1)
        for (ModelSpec s : m.students()) {
            assertThat(LossTerms.resolve(s, m.assistant(), c.distill()).get(2))
                    .isEqualTo(new Term(TermKind.ATTENTION, "attention", 1.0, LossTerms.DEFAULT_TEMPERATURE, 0, 1, 0, null));
        }
        // the resolved config (a run folder's config.yaml, which resume loads) loads back to itself: it holds no
        // distill.alpha/temperature, which are refused beside distill.terms
        com.fasterxml.jackson.databind.JsonNode distill = new ConfigLoader(ConfigLoaderTest.VOCABULARY, AMPLE).yamlMapper()
                .readTree(r.yaml()).get("distill");
        assertThat(distill.has("terms")).isTrue();
        assertThat(distill.has("alpha")).isFalse();
        assertThat(distill.has("temperature")).isFalse();
        ResolvedConfig again = load(r.yaml());
        assertThat(again.config()).isEqualTo(c);
        assertThat(again.hash()).isEqualTo(r.hash());
    }

    @Test
    void aConfigWithoutTermsResolvesAndHashesAsBeforeTermsExisted() throws IOException {
        // hashes computed with the code of 4128e03 (before issue 13) on these very files
        ResolvedConfig mnist = load(MNIST_NO_TERMS);
        assertThat(mnist.hash()).isEqualTo("439a25e6d8bac540359de9956fea39be6b2e38015042766e5a182588c09a5893");
        ResolvedConfig imdb = load(IMDB_NO_TERMS);
        assertThat(imdb.hash()).isEqualTo("fb6d6590426338070de8dbd029a45791b128527a0b4ad097dfe701d3763b9333");
        for (ResolvedConfig r : List.of(mnist, imdb)) {
            assertThat(r.yaml()).doesNotContain("terms").doesNotContain("ald").doesNotContain("warmStart").doesNotContain("init:");
        }
        assertThat(load(TITANISH).yaml()).contains("terms:");
    }

    // ---- resolution -----------------------------------------------------------------------------------------

    private static ModelSpec transformer(String name, String learnsFrom, int layers, Double alpha, Double temperature,
                                         List<TermSpec> terms, Boolean ald) {
        return new ModelSpec(name, "transformer", List.of(16), null, null, null, learnsFrom, null, temperature, alpha, layers, 2, 32,
                null, null, terms, ald, null, null, null);
    }

    private static TermSpec term(String name, double weight, LayerRef teacherLayer, LayerRef studentLayer) {
        return new TermSpec(name, weight, null, teacherLayer, studentLayer, null, null);
    }

    @Test
    void withoutTermsTheLossIsLabelsAtOneMinusAlphaAndLogitsAtAlphaAndT() {
        DistillSpec distill = new DistillSpec(3.0, 0.3, 1, 0, false, 0.0);
        ModelSpec teacher = transformer("teacher", "labels", 2, null, null, null, null);
        ModelSpec student = transformer("s", "teacher", 1, null, null, null, null);
        assertThat(LossTerms.resolve(student, teacher, distill))
                .containsExactly(new Term(TermKind.LABELS, "labels", 1 - 0.3, 1, -1, -1, 0, null),
                        new Term(TermKind.LOGITS, "logits", 0.3, 3.0, -1, -1, 0, null));
        // a learner's own alpha and temperature win
        ModelSpec own = transformer("s", "teacher", 1, 0.8, 1.5, null, null);
        assertThat(LossTerms.resolve(own, teacher, distill)).containsExactly(Term.labels(1 - 0.8), Term.logits(0.8, 1.5));
        // a model without a publisher: labels at weight 1, whatever alpha says
        assertThat(LossTerms.resolve(own, null, distill)).containsExactly(Term.labels(1));
    }

    @Test
    void lastResolvesToEachModelsLastLayerAndWithAldTheStudentsAttentionToTheAuxiliaryOne() {
        ModelSpec teacher = transformer("teacher", "labels", 3, null, null, null, null);
        List<TermSpec> specs = List.of(term("labels", 0.5, null, null), term("attention", 1, null, null),
                term("hidden", 0.25, LayerRef.LAST, LayerRef.LAST), term("attention", 2, LayerRef.of(0), LayerRef.of(1)),
                new TermSpec("relations", 1.0, null, LayerRef.LAST, LayerRef.LAST, 4, null));
        DistillSpec distill = new DistillSpec(null, null, null, null, null, null, specs);
        ModelSpec plain = transformer("s", "teacher", 2, null, null, null, null);
        List<Term> p = LossTerms.resolve(plain, teacher, distill);
        assertThat(p).extracting(Term::label).containsExactly("labels", "attention", "hidden", "attention.1", "relations");
        assertThat(p).extracting(Term::teacherLayer).containsExactly(-1, 2, 2, 0, 2);
        assertThat(p).extracting(Term::studentLayer).containsExactly(-1, 1, 1, 1, 1);
        assertThat(p.get(4).relationHeads()).isEqualTo(4);
        assertThat(p.get(1).weight()).isEqualTo(1.0);
        assertThat(p.get(3).weight()).isEqualTo(2.0);
        // with ald: the attention-type terms' 'last' is the auxiliary layer (index = layers), hidden's is still layers - 1,
        // and an index written out stays that layer
        ModelSpec ald = transformer("s", "teacher", 2, null, null, null, true);
        List<Term> a = LossTerms.resolve(ald, teacher, distill);
        assertThat(a).extracting(Term::studentLayer).containsExactly(-1, 2, 1, 1, 2);
        assertThat(a).extracting(Term::teacherLayer).containsExactly(-1, 2, 2, 0, 2);
        // a model's own terms win over distill.terms
        ModelSpec own = transformer("s", "teacher", 2, null, null, List.of(term("logits", 1, null, null)), null);
        assertThat(LossTerms.resolve(own, teacher, distill)).containsExactly(Term.logits(1, LossTerms.DEFAULT_TEMPERATURE));
    }

    @Test
    void aRampResolvesWithItsStartDefaultingToZero() {
        ModelSpec teacher = transformer("teacher", "labels", 1, null, null, null, null);
        DistillSpec distill = new DistillSpec(null, null, null, null, null, null, List.of(
                new TermSpec("logits", 0.8, 2.0, null, null, null, new TermSpec.RampSpec(10L, 20L, null)),
                new TermSpec("labels", 1.0, null, null, null, null, new TermSpec.RampSpec(0L, 4L, 0.5))));
        List<Term> t = LossTerms.resolve(transformer("s", "teacher", 1, null, null, null, null), teacher, distill);
        assertThat(t.get(0).ramp()).isEqualTo(new Term.Ramp(10, 20, 0));
        assertThat(t.get(0).temperature()).isEqualTo(2.0);
        assertThat(t.get(1).ramp()).isEqualTo(new Term.Ramp(0, 4, 0.5));
    }

    // ---- Term.weightAt ---------------------------------------------------------------------------------------

    @Test
    void aRampRisesLinearlyFromItsStartToTheWeightAndStaysThere() {
        Term ramped = new Term(TermKind.ATTENTION, "attention", 1.0, 1, 0, 0, 0, new Term.Ramp(10, 20, 0));
        double[] at = Arrays.stream(new long[]{1, 9, 10, 11, 15, 19, 20, 21, 1000}).mapToDouble(ramped::weightAt).toArray();
        assertThat(at).containsExactly(0, 0, 0, 0.1, 0.5, 0.9, 1.0, 1.0, 1.0);
        Term started = new Term(TermKind.LOGITS, "logits", 0.8, 2, -1, -1, 0, new Term.Ramp(0, 4, 0.4));
        double[] s = Arrays.stream(new long[]{0, 1, 2, 3, 4, 5}).mapToDouble(started::weightAt).toArray();
        assertThat(s).containsExactly(new double[]{0.4, 0.5, 0.6, 0.7, 0.8, 0.8}, org.assertj.core.data.Offset.offset(1e-12));
        // a ramp may fall too (start above the weight)
        Term falling = new Term(TermKind.LABELS, "labels", 0.2, 1, -1, -1, 0, new Term.Ramp(0, 2, 1.0));
        assertThat(falling.weightAt(1)).isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-12));
        // without a ramp: the weight at every step
        assertThat(Term.labels(0.3).weightAt(1)).isEqualTo(0.3);
        assertThat(Term.labels(0.3).weightAt(1_000_000)).isEqualTo(0.3);
        assertThatThrownBy(() -> new Term.Ramp(5, 5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Term.Ramp(-1, 5, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
