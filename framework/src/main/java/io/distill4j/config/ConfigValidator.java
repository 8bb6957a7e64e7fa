package io.distill4j.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Fills the defaults that depend on other keys (model names, who learns from whom) and checks every value
 * against its allowed range before anything is built or trained. Each failure names its key path.
 */
final class ConfigValidator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** MNIST-sized inputs; a CNN must keep at least one pixel after its stages. */
    static final int IMAGE_SIDE = 28;

    private final String source;
    private final Vocabulary vocabulary;

    ConfigValidator(String source, Vocabulary vocabulary) {
        this.source = source;
        this.vocabulary = vocabulary;
    }

    RunConfig validate(RunConfig c) {
        require(c.name(), "name", "a run name");
        matchName(c.name(), "name");
        oneOf(c.recipe(), "recipe", vocabulary.recipes());
        DataSpec data = c.data();
        if (data == null) throw error("data", "missing (expected a mapping with dataset and root)");
        require(data.dataset(), "data.dataset", "a dataset name");
        oneOf(data.dataset(), "data.dataset", vocabulary.datasets());
        atLeast(data.trainLimit(), 0, "data.trainLimit");
        atLeast(data.testLimit(), 0, "data.testLimit");
        atLeast(data.validation(), 0, "data.validation");
        ModelsSpec models = validateModels(c.models());
        DistillSpec d = c.distill();
        range(d.temperature(), 1e-3, 100, "distill.temperature");
        range(d.alpha(), 0, 1, "distill.alpha");
        atLeast(d.period(), 1, "distill.period");
        atLeast(d.burnInSteps(), 0, "distill.burnInSteps");
        if (!(d.temporalEnsemble() >= 0 && d.temporalEnsemble() < 1)) {
            throw error("distill.temporalEnsemble", "expected a decay in [0, 1) (0 = off), got " + d.temporalEnsemble());
        }
        TrainingSpec t = c.training();
        range(t.epochs(), 1, 10_000, "training.epochs");
        range(t.batchSize(), 1, 60_000, "training.batchSize");
        if (data.trainLimit() > 0 && data.trainLimit() < t.batchSize()) {
            throw error("training.batchSize", "expected at most data.trainLimit (" + data.trainLimit() + "), got " + t.batchSize());
        }
        if (data.trainLimit() > 0 && data.trainLimit() - data.validation() < t.batchSize()) {
            throw error("data.validation", "expected at most data.trainLimit - training.batchSize ("
                    + (data.trainLimit() - t.batchSize()) + ") so that a batch is left to train on, got " + data.validation());
        }
        if (d.twins()) checkTwinNames(models);
        atLeast(t.evalEvery(), 0, "training.evalEvery");
        atLeast(t.logEvery(), 1, "training.logEvery");
        allowed(t.engine(), "training.engine", io.distill4j.step.TrainingSteps.engines());
        atLeast(c.checkpoint().every(), 0, "checkpoint.every");
        range(c.checkpoint().keep(), 1, 1000, "checkpoint.keep");
        require(c.output().runs(), "output.runs", "a folder path");
        return new RunConfig(c.name(), c.recipe(), data, models, d, t, c.checkpoint(), c.output());
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

    private ModelSpec check(ModelSpec s, String key) {
        matchName(s.name(), key + ".name");
        require(s.family(), key + ".family", "a model family");
        oneOf(s.family(), key + ".family", vocabulary.families());
        for (int i = 0; i < s.hidden().size(); i++) {
            Integer width = s.hidden().get(i);
            if (width == null) throw error(key + ".hidden[" + i + "]", "expected a positive integer");
            range(width, 1, 65_536, key + ".hidden[" + i + "]");
        }
        if ("mlp".equals(s.family()) && !s.conv().isEmpty()) {
            throw error(key + ".conv", "only a cnn has conv stages; remove it or set family: cnn");
        }
        if ("cnn".equals(s.family())) {
            if (s.conv().isEmpty()) throw error(key + ".conv", "expected at least one conv stage for family cnn");
            int side = IMAGE_SIDE;
            for (int i = 0; i < s.conv().size(); i++) {
                String ck = key + ".conv[" + i + "]";
                ConvSpec cs = s.conv().get(i);
                if (cs == null || cs.filters() == null) throw error(ck + ".filters", "expected a positive integer");
                range(cs.filters(), 1, 4096, ck + ".filters");
                range(cs.kernel(), 1, IMAGE_SIDE, ck + ".kernel");
                range(cs.pool(), 1, IMAGE_SIDE, ck + ".pool");
                side = (side - cs.kernel() + 1) / cs.pool();
                if (side < 1) {
                    throw error(ck, "the image shrinks to nothing at this stage; use a smaller kernel or pool");
                }
            }
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

    private void atLeast(Integer value, int min, String key) {
        if (value < min) throw error(key, "expected an integer >= " + min + ", got " + value);
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
