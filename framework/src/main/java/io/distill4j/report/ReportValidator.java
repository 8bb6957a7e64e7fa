package io.distill4j.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a report.json of the current schema must hold (docs/report-schema.md, "Validation"): every field the renderers,
 * compare and studies rely on, with its type and range, so a hand-edited or damaged file is refused with the file and
 * the field named (exit code 8) instead of crashing them or printing "Infinity%".
 */
final class ReportValidator {
    private static final int V = RunReport.SCHEMA_VERSION;
    /** Schema 3's top-level fields; 4 added {@code classes}. */
    private static final Set<String> TOP_3 = Set.of("schemaVersion", "run", "dataset", "status", "steps", "totalSteps",
            "trainingSeconds", "models", "gains", "curves", "provenance");
    private static final Set<String> TOP;
    static {
        Set<String> top = new HashSet<>(TOP_3);
        top.add("classes");
        TOP = Set.copyOf(top);
    }
    private static final Set<String> MODEL = Set.of("name", "role", "family", "params", "learnsFrom", "exportBytes",
            "compressionParams", "compressionBytes", "test", "validation", "twinOf", "inference");
    private static final Set<String> FIGURES = Set.of("accuracy", "loss", "examples", "macroF1", "agreement", "perClassAccuracy", "confusion");
    private static final Set<String> INFERENCE = Set.of("latencyMsBatch1", "samplesPerSecondBatch128", "threads", "repeats");
    private static final Set<String> GAIN = Set.of("student", "twin", "accuracy", "twinAccuracy", "gainPp", "validationAccuracy",
            "twinValidationAccuracy", "validationGainPp");
    private static final Set<String> CURVE = Set.of("model", "steps", "accuracy", "loss");
    private static final List<String> ROLES = List.of("teacher", "assistant", "student", "twin");
    private static final double MAX = Double.MAX_VALUE;

    private ReportValidator() {
    }

    /** Checks a tree of the current schema version. */
    static void check(Path file, JsonNode tree) {
        check(file, tree, V);
    }

    /**
     * Checks a tree whose schemaVersion is already known to be {@code version}, the current one or an older one this
     * distill4j still reads (3: the same fields without {@code classes}).
     */
    static void check(Path file, JsonNode tree, int version) {
        JsonFields r = JsonFields.root(file, tree);
        r.only(version >= 4 ? TOP : TOP_3, version);
        r.string("run");
        r.string("dataset");
        boolean complete = r.oneOf("status", List.of(RunReport.COMPLETE, RunReport.IN_PROGRESS)).equals(RunReport.COMPLETE);
        r.integer("steps", 0);
        r.integer("totalSteps", 0);
        r.number("trainingSeconds", 0, MAX);
        Set<String> names = new HashSet<>();
        List<JsonFields> models = r.objects("models", 1, "a non-empty array of models");
        for (JsonFields m : models) {
            if (!names.add(model(m, complete, version))) throw m.fail("name", "a name no other model has");
        }
        if (r.present("classes")) classes(r, models);
        for (JsonFields m : models) {
            if (m.present("twinOf") && !names.contains(m.string("twinOf"))) throw m.fail("twinOf", "the name of a model of the report");
        }
        for (JsonFields g : r.objects("gains", 0, "an array of gains")) gain(g, names, version);
        for (JsonFields c : r.objects("curves", 0, "an array of curves")) curve(c, version);
        ProvenanceValidator.check(r.object("provenance", "an object"), version);
    }

    /**
     * The class names: distinct non-empty strings, one per row (and column) of every confusion matrix and per entry of
     * every perClassAccuracy of the models.
     */
    private static void classes(JsonFields r, List<JsonFields> models) {
        List<String> classes = r.distinctStrings("classes", "an array of distinct non-empty strings (the class names)");
        for (JsonFields m : models) {
            for (String split : List.of("test", "validation")) {
                if (!m.present(split)) continue;
                JsonFields f = m.object(split, "an object");
                if (f.present("perClassAccuracy") && f.value("perClassAccuracy").size() != classes.size()) {
                    throw f.fail("perClassAccuracy", "an array with one value per class of classes (" + classes.size() + ")");
                }
                if (f.present("confusion")) {
                    JsonNode rows = f.value("confusion");
                    boolean square = rows.size() == classes.size();
                    for (JsonNode row : rows) square &= row.size() == classes.size();
                    if (!square) throw f.fail("confusion", "a " + classes.size() + " x " + classes.size() + " matrix, one row and column per class of classes");
                }
            }
        }
    }

    /** Checks one model and returns its name. */
    private static String model(JsonFields m, boolean complete, int version) {
        m.only(MODEL, version);
        String name = m.string("name");
        m.oneOf("role", ROLES);
        m.string("family");
        m.string("learnsFrom");
        m.integer("params", 1);
        if (m.present("exportBytes")) m.integer("exportBytes", 1);
        if (m.present("compressionParams")) m.positive("compressionParams");
        if (m.present("compressionBytes")) m.positive("compressionBytes");
        if (complete || m.present("test")) {
            figures(m.object("test", complete ? "an object with the test figures (the report is complete)" : "an object"), version);
        }
        if (m.present("validation")) {
            figures(m.object("validation", "an object"), version);
        } else if (!m.present("test")) {
            throw m.fail("validation", "an object with the validation figures (the model has no test figures)");
        }
        if (m.present("inference")) inference(m.object("inference", "an object"), version);
        return name;
    }

    private static void figures(JsonFields f, int version) {
        f.only(FIGURES, version);
        f.number("accuracy", 0, 1);
        f.number("loss", 0, MAX);
        f.integer("examples", 1);
        f.number("macroF1", 0, 1);
        if (f.present("agreement")) f.number("agreement", 0, 1);
        if (f.present("perClassAccuracy")) f.numbers("perClassAccuracy", 0, 1);
        if (f.present("confusion")) f.integerRows("confusion", 0);
    }

    private static void inference(JsonFields i, int version) {
        i.only(INFERENCE, version);
        i.positive("latencyMsBatch1");
        i.positive("samplesPerSecondBatch128");
        i.integer("threads", 1);
        i.integer("repeats", 1);
    }

    private static void gain(JsonFields g, Set<String> models, int version) {
        g.only(GAIN, version);
        for (String model : List.of("student", "twin")) {
            if (!models.contains(g.string(model))) throw g.fail(model, "the name of a model of the report");
        }
        for (String accuracy : List.of("accuracy", "twinAccuracy", "validationAccuracy", "twinValidationAccuracy")) {
            if (g.present(accuracy)) g.number(accuracy, 0, 1);
        }
        for (String gain : List.of("gainPp", "validationGainPp")) {
            if (g.present(gain)) g.number(gain, -100, 100);
        }
    }

    /** A curve may name a model no longer in the report (one dropped on a resume with a config change). */
    private static void curve(JsonFields c, int version) {
        c.only(CURVE, version);
        c.string("model");
        int steps = c.integers("steps", 0);
        if (c.numbers("accuracy", 0, 1) != steps) throw c.fail("accuracy", "an array with one value per step (" + steps + ")");
        if (c.numbers("loss", 0, MAX) != steps) throw c.fail("loss", "an array with one value per step (" + steps + ")");
    }
}
