package io.distill4j.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Fills the defaults that depend on other keys (model names, who learns from whom) and checks every value
 * against its allowed range before anything is built or trained. Each failure names its key path.
 */
final class ConfigValidator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final long NO_MAX = IntRange.NO_MAX;
    /**
     * The allowed values of every integer key ({@code []}: any index; {@code models.*}: teacher, assistant, any student),
     * in one table so that a number too large even to be read reports the same range validation would have. The keys
     * only one model family reads are that family's ({@link FamilyRules#integerKeys()}).
     */
    private static final Map<String, IntRange> INTEGERS = Map.ofEntries(
            Map.entry("data.trainLimit", new IntRange(0, NO_MAX)),
            Map.entry("data.testLimit", new IntRange(0, NO_MAX)),
            Map.entry("data.validation", new IntRange(0, NO_MAX)),
            Map.entry("data.maxLength", new IntRange(1, 65_536)),
            // PAD, UNK, CLS and at least one word; at most 2^24 ids, the integers a float feature holds exactly
            Map.entry("data.vocabSize", new IntRange(4, 1 << 24)),
            Map.entry("distill.period", new IntRange(1, NO_MAX)),
            Map.entry("distill.burnInSteps", new IntRange(0, NO_MAX)),
            Map.entry("training.epochs", new IntRange(1, 10_000)),
            Map.entry("training.batchSize", new IntRange(1, 60_000)),
            Map.entry("training.evalEvery", new IntRange(0, NO_MAX)),
            Map.entry("training.logEvery", new IntRange(1, NO_MAX)),
            Map.entry("checkpoint.every", new IntRange(0, NO_MAX)),
            Map.entry("checkpoint.keep", new IntRange(1, 1000)),
            Map.entry("models.*.hidden[]", new IntRange(1, 65_536)));
    private static final String MODEL_KEY = "models.*.";

    private final String source;
    private final Vocabulary vocabulary;
    private final MemoryBudget memory;

    /** Whether every {@code init:} file must exist: not for a run being resumed, whose checkpoint holds the weights. */
    private final boolean initFilesMustExist;

    ConfigValidator(String source, Vocabulary vocabulary, MemoryBudget memory, boolean initFilesMustExist) {
        this.source = source;
        this.vocabulary = vocabulary;
        this.memory = memory;
        this.initFilesMustExist = initFilesMustExist;
    }

    /** What an integer key accepts, for a value too large for its Java type ({@code target}: int or long). */
    static String integerExpectation(String key, Class<?> target, Vocabulary vocabulary) {
        IntRange r = range(rangeKey(key), vocabulary);
        if (r != null && r.max() != NO_MAX) return r.expectation();
        long min = r != null ? r.min() : target == Long.class || target == long.class ? Long.MIN_VALUE : Integer.MIN_VALUE;
        long max = target == Long.class || target == long.class ? Long.MAX_VALUE : Integer.MAX_VALUE;
        return "an integer in [" + min + ", " + max + "]";
    }

    /** The range of a key in {@link #rangeKey} form: the common table's, or the one family's that reads the key. */
    private static IntRange range(String rangeKey, Vocabulary vocabulary) {
        IntRange r = INTEGERS.get(rangeKey);
        if (r != null || !rangeKey.startsWith(MODEL_KEY)) return r;
        String below = rangeKey.substring(MODEL_KEY.length());
        return vocabulary.families().values().stream().map(f -> f.integerKeys().get(below)).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
    }

    private static String rangeKey(String key) {
        return key.replaceAll("\\[\\d+]", "[]").replaceFirst("^models\\.(teacher|assistant|students\\[])\\.", MODEL_KEY);
    }

    RunConfig validate(RunConfig c) {
        require(c.name(), "name", "a run name");
        matchName(c.name(), "name");
        oneOf(c.recipe(), "recipe", vocabulary.recipes());
        DataSpec data = c.data();
        if (data == null) throw error("data", "missing (expected a mapping with dataset and root, or format and train)");
        UserDataKeys.check(data, vocabulary.datasets()).ifPresent(p -> {
            throw error(p.key(), p.problem());
        });
        if (!data.isUserData()) {
            require(data.dataset(), "data.dataset", "a dataset name");
            oneOf(data.dataset(), "data.dataset", vocabulary.datasets());
        }
        integer(data.trainLimit(), "data.trainLimit");
        integer(data.testLimit(), "data.testLimit");
        integer(data.validation(), "data.validation");
        data = data.isUserData() ? UserDataKeys.withDefaults(data) : textKeys(data);
        if (data.isUserData() && data.maxLength() != null) {
            integer(data.maxLength(), "data.maxLength");
            if (data.vocabSize() != null) integer(data.vocabSize(), "data.vocabSize");
        }
        ModelsSpec models = validateModels(c.models());
        DistillSpec d = c.distill();
        if (d.temperature() != null) range(d.temperature(), 1e-3, 100, "distill.temperature");   // null beside terms
        if (d.alpha() != null) range(d.alpha(), 0, 1, "distill.alpha");
        integer(d.period(), "distill.period");
        integer(d.burnInSteps(), "distill.burnInSteps");
        if (!(d.temporalEnsemble() >= 0 && d.temporalEnsemble() < 1)) {
            throw error("distill.temporalEnsemble", "expected a decay in [0, 1) (0 = off), got " + d.temporalEnsemble());
        }
        TrainingSpec t = c.training();
        integer(t.epochs(), "training.epochs");
        integer(t.batchSize(), "training.batchSize");
        if (data.trainLimit() > 0 && data.trainLimit() < t.batchSize()) {
            throw error("training.batchSize", "expected at most data.trainLimit (" + data.trainLimit() + "), got " + t.batchSize());
        }
        if (data.trainLimit() > 0 && data.trainLimit() - data.validation() < t.batchSize()) {
            throw error("data.validation", "expected at most data.trainLimit - training.batchSize ("
                    + (data.trainLimit() - t.batchSize()) + ") so that a batch is left to train on, got " + data.validation());
        }
        if (d.twins()) checkTwinNames(models);
        integer(t.evalEvery(), "training.evalEvery");
        integer(t.logEvery(), "training.logEvery");
        allowed(t.engine(), "training.engine", vocabulary.engines());
        allowed(t.precision(), "training.precision", vocabulary.precisions());
        checkFamilies(models, t, data);
        LossTerms.check(models, d, MemoryEstimate.modelKeys(models), f -> vocabulary.families().get(f).learnsInternals()).ifPresent(p -> {
            throw error(p.key(), p.problem());
        });
        initFiles(models);
        integer(c.checkpoint().every(), "checkpoint.every");
        integer(c.checkpoint().keep(), "checkpoint.keep");
        require(c.output().runs(), "output.runs", "a folder path");
        RunConfig valid = new RunConfig(c.name(), c.recipe(), data, models, d, t, c.checkpoint(), c.output());
        warmStartWithinTheRun(valid);
        // last: the estimate needs every other value in range
        memory.check(MemoryEstimate.of(valid, vocabulary.families())).ifPresent(p -> {
            throw new MemoryRefusal(source, p.key(), p.problem());
        });
        return valid;
    }

    private ModelsSpec validateModels(ModelsSpec m) {
        if (m == null) throw error("models", "missing (expected teacher, optional assistant, and students)");
        if (m.students().isEmpty()) throw error("models.students", "expected at least one student");
        ModelSpec teacher = m.teacher() == null ? null
                : check(m.teacher().withDefaults(ModelsSpec.TEACHER, ModelSpec.LABELS), "models.teacher");
        ModelSpec assistant = m.assistant() == null ? null
                : check(m.assistant().withDefaults(ModelsSpec.ASSISTANT, ModelsSpec.TEACHER), "models.assistant");
        String studentDefault = assistant != null ? ModelsSpec.ASSISTANT : ModelsSpec.TEACHER;
        List<ModelSpec> students = new ArrayList<>();
        for (int i = 0; i < m.students().size(); i++) {
            String key = "models.students[" + i + "]";
            ModelSpec s = m.students().get(i);
            if (s == null) throw error(key, "expected a model mapping");
            if (s.name() == null) throw error(key + ".name", "missing (every student needs a name)");
            students.add(check(s.withDefaults(null, studentDefault), key));
        }
        if (teacher != null) {
            allowed(teacher.learnsFrom(), "models.teacher.learnsFrom", List.of(ModelSpec.LABELS));
        }
        if (assistant != null) {
            allowed(assistant.learnsFrom(), "models.assistant.learnsFrom", List.of(ModelsSpec.TEACHER, ModelSpec.LABELS));
            dangling(assistant.learnsFrom(), "models.assistant.learnsFrom", teacher, null);
        }
        for (int i = 0; i < students.size(); i++) {
            String key = "models.students[" + i + "].learnsFrom";
            allowed(students.get(i).learnsFrom(), key, List.of(ModelsSpec.TEACHER, ModelsSpec.ASSISTANT, ModelSpec.LABELS));
            dangling(students.get(i).learnsFrom(), key, teacher, assistant);
        }
        Set<String> names = new HashSet<>();
        List<ModelSpec> all = new ArrayList<>();
        if (teacher != null) all.add(teacher);
        if (assistant != null) all.add(assistant);
        all.addAll(students);
        for (int i = 0; i < all.size(); i++) {
            if (!names.add(all.get(i).name())) {
                throw error(keyOf(i, teacher != null, assistant != null) + ".name",
                        "expected a unique model name, '" + all.get(i).name() + "' is used twice");
            }
        }
        return new ModelsSpec(teacher, assistant, students);
    }

    /**
     * A warm start as long as the run leaves its learners on labels the whole run: no signal ever reaches them, and every
     * student ends bit-identical to its twin (round 3, D17). It can never distil, so it is refused, naming the run's length.
     */
    private void warmStartWithinTheRun(RunConfig c) {
        long steps = RunWarnings.length(c).steps();
        List<String> keys = MemoryEstimate.modelKeys(c.models());
        for (int i = 0; i < keys.size(); i++) {
            Integer warm = c.models().all().get(i).warmStartSteps();
            if (warm != null && warm >= steps) {
                throw error(keys.get(i) + ".warmStartSteps", "expected fewer steps than the run has (" + steps + " = training.epochs "
                        + "x training examples / training.batchSize), got " + warm + ": its learners would learn from labels alone "
                        + "the whole run; lower it or remove it");
            }
        }
    }

    /**
     * Each {@code init:} names a file, read when the run starts. A resumed run never reads it again (its checkpoint holds
     * every weight), so there it may have been moved or deleted (round 3, D6): only its text is checked.
     */
    private void initFiles(ModelsSpec models) {
        List<String> keys = MemoryEstimate.modelKeys(models);
        for (int i = 0; i < keys.size(); i++) {
            String init = models.all().get(i).init();
            if (init == null) continue;
            if (init.isBlank() || initFilesMustExist && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(init))) {
                throw error(keys.get(i) + ".init", "expected a saved model zip (an export of the same architecture), but '" + init
                        + "' is not a file");
            }
        }
    }

    /** A twin is named {@code <student>.twin}: no model of the config may already use that name. */
    private void checkTwinNames(ModelsSpec m) {
        Set<String> names = new HashSet<>();
        m.all().forEach(s -> names.add(s.name()));
        for (int i = 0; i < m.students().size(); i++) {
            ModelSpec s = m.students().get(i);
            if (!s.learnsFromLabelsOnly() && names.contains(ModelsSpec.twinName(s.name()))) {
                throw error("distill.twins", "the twin of models.students[" + i + "] would be named '" + ModelsSpec.twinName(s.name())
                        + "', which another model already uses; rename that model or set distill.twins: false");
            }
        }
    }

    private static String keyOf(int index, boolean hasTeacher, boolean hasAssistant) {
        if (hasTeacher && index == 0) return "models.teacher";
        int offset = (hasTeacher ? 1 : 0);
        if (hasAssistant && index == offset) return "models.assistant";
        return "models.students[" + (index - offset - (hasAssistant ? 1 : 0)) + "]";
    }

    /** Each model's own keys and whether it can train as asked, checked by its family ({@link FamilyRules}). */
    private void checkFamilies(ModelsSpec models, TrainingSpec t, DataSpec data) {
        // a user's dataset is parsed into its cache here, once: its shape decides what the models can be
        io.distill4j.data.DatasetInfo info = io.distill4j.data.DatasetLoader.describe(data.request());
        List<String> keys = MemoryEstimate.modelKeys(models);
        for (int i = 0; i < keys.size(); i++) {
            ModelSpec m = models.all().get(i);
            vocabulary.families().get(m.family()).check(m, keys.get(i), t, info).ifPresent(p -> {
                throw error(p.key(), p.problem());
            });
        }
    }

    private void allowed(String value, String key, List<String> options) {
        if (!options.contains(value)) {
            throw error(key, "expected one of " + options + ", got '" + value + "'");
        }
    }

    private void dangling(String learnsFrom, String key, ModelSpec teacher, ModelSpec assistant) {
        if (ModelsSpec.TEACHER.equals(learnsFrom) && teacher == null) {
            throw error(key, "refers to the teacher, but models.teacher is not defined");
        }
        if (ModelsSpec.ASSISTANT.equals(learnsFrom) && assistant == null) {
            throw error(key, "refers to the assistant, but models.assistant is not defined");
        }
    }

    /**
     * data.maxLength and data.vocabSize: filled in and range-checked for a text dataset (data.truncation checked),
     * all three refused for an image dataset
     * (silently ignoring a key the user set would hide a mistake, such as the wrong dataset).
     */
    private DataSpec textKeys(DataSpec data) {
        if (!vocabulary.textDatasets().contains(data.dataset())) {
            if (data.maxLength() != null) throw notForImages(data, "data.maxLength");
            if (data.vocabSize() != null) throw notForImages(data, "data.vocabSize");
            if (data.truncation() != null) throw notForImages(data, "data.truncation");
            return data;
        }
        if (data.truncation() != null) {
            allowed(data.truncation(), "data.truncation", java.util.Arrays.stream(io.distill4j.data.text.Truncation.values())
                    .map(io.distill4j.data.text.Truncation::key).toList());
        }
        DataSpec text = data.withText(data.maxLength() == null ? DataSpec.DEFAULT_MAX_LENGTH : data.maxLength(),
                data.vocabSize() == null ? DataSpec.DEFAULT_VOCAB_SIZE : data.vocabSize());
        integer(text.maxLength(), "data.maxLength");
        integer(text.vocabSize(), "data.vocabSize");
        return text;
    }

    private ConfigException notForImages(DataSpec data, String key) {
        return error(key, "only text datasets " + vocabulary.textDatasets() + " take it, and " + data.dataset()
                + " is an image dataset; remove the key");
    }

    private ModelSpec check(ModelSpec s, String key) {
        matchName(s.name(), key + ".name");
        require(s.family(), key + ".family", "a model family");
        oneOf(s.family(), key + ".family", vocabulary.familyNames());
        for (int i = 0; i < s.hidden().size(); i++) {
            Integer width = s.hidden().get(i);
            if (width == null) throw error(key + ".hidden[" + i + "]", "expected a positive integer");
            integer(width, key + ".hidden[" + i + "]");
        }
        oneOf(s.optimizer().name(), key + ".optimizer.name", vocabulary.optimizers());
        range(s.optimizer().learningRate(), 1e-9, 10, key + ".optimizer.learningRate");
        allowed(s.optimizer().schedule(), key + ".optimizer.schedule", OptimizerSpec.SCHEDULES);
        if (s.dropout() < 0 || s.dropout() >= 1) {
            throw error(key + ".dropout", "expected a drop probability in [0, 1), got " + s.dropout());
        }
        allowed(s.signalSource(), key + ".signalSource", List.of(ModelSpec.TRAINING_PASS, ModelSpec.EVAL_PASS));
        if (s.temperature() != null) range(s.temperature(), 1e-3, 100, key + ".temperature");
        if (s.alpha() != null) range(s.alpha(), 0, 1, key + ".alpha");
        return s;
    }

    private void matchName(String name, String key) {
        if (!NAME.matcher(name).matches()) {
            throw error(key, "expected letters, digits, '.', '_' or '-' (at most 64), got '" + name + "'");
        }
    }

    private void require(Object value, String key, String what) {
        if (value == null) throw error(key, "missing (expected " + what + ")");
    }

    private void oneOf(String value, String key, Set<String> options) {
        if (!options.contains(value)) {
            throw error(key, "expected one of " + options + ", got '" + value + "'");
        }
    }

    private void integer(Integer value, String key) {
        IntRange r = INTEGERS.get(rangeKey(key));
        if (!r.contains(value)) throw error(key, "expected " + r.expectation() + ", got " + value);
    }

    private void range(Number value, double min, double max, String key) {
        double v = value.doubleValue();
        if (!(v >= min && v <= max)) {
            throw error(key, "expected a value in [" + fmt(min) + ", " + fmt(max) + "], got " + value);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e9 ? String.valueOf((long) d) : String.valueOf(d);
    }

    private ConfigException error(String key, String problem) {
        return new ConfigException(source, key, problem);
    }
}
