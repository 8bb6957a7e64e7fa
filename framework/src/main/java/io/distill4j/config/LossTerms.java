package io.distill4j.config;

import io.distill4j.loss.Term;
import io.distill4j.loss.TermKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A learner's loss as a weighted sum of named terms: checked against the registry ({@link TermKind}) and the models it
 * joins, and resolved into {@link Term}s. Which terms: the model's own {@code terms}, else {@code distill.terms}, else
 * the pre-terms loss {@code [labels: 1 - alpha, logits: alpha at temperature T]} from {@code alpha}/{@code temperature}
 * (so configs written before terms existed train exactly as before). A model that learns from labels alone has one term,
 * {@code labels} at weight 1; so does a learner while its publisher is in burn-in or warm start.
 */
public final class LossTerms {
    /** Default temperature of a {@code logits} term that sets none. */
    public static final double DEFAULT_TEMPERATURE = 1.0;

    private LossTerms() {
    }

    /** Signals a problem with one key; caught by {@link #check} and turned into a {@link KeyProblem}. */
    private static final class Problem extends RuntimeException {
        final KeyProblem problem;

        Problem(String key, String text) {
            super(text, null, false, false);
            this.problem = new KeyProblem(key, text);
        }
    }

    /** The terms that apply to {@code learner} (a model that learns from a publisher), as written. */
    static List<TermSpec> written(ModelSpec learner, DistillSpec distill) {
        if (learner.terms() != null) return learner.terms();
        return distill.terms();
    }

    /**
     * The resolved terms of {@code learner}, which learns from {@code publisher} (null: labels alone). Call on a validated
     * config.
     */
    public static List<Term> resolve(ModelSpec learner, ModelSpec publisher, DistillSpec distill) {
        if (publisher == null) return List.of(Term.labels(1.0));
        List<TermSpec> specs = written(learner, distill);
        if (specs == null) {
            double alpha = learner.alphaOr(distill);
            return Term.softLogits(alpha, learner.temperatureOr(distill));
        }
        List<Term> out = new ArrayList<>();
        Map<TermKind, Integer> seen = new HashMap<>();
        for (TermSpec t : specs) {
            TermKind kind = TermKind.byName(t.term()).orElseThrow();
            int n = seen.merge(kind, 1, Integer::sum);
            String label = n == 1 ? kind.configName() : kind.configName() + "." + (n - 1);
            int teacherLayer = -1;
            int studentLayer = -1;
            if (kind.layered()) {
                teacherLayer = layer(t.teacherLayer()).resolve(layers(publisher));
                LayerRef s = layer(t.studentLayer());
                studentLayer = s.isLast() && kind.attentionType() && learner.auxiliaryLayer() ? layers(learner) : s.resolve(layers(learner));
            }
            Term.Ramp ramp = t.ramp() == null ? null
                    : new Term.Ramp(t.ramp().from(), t.ramp().to(), t.ramp().start() == null ? 0 : t.ramp().start());
            out.add(new Term(kind, label, t.weight(), t.temperature() == null ? DEFAULT_TEMPERATURE : t.temperature(),
                    teacherLayer, studentLayer, t.relationHeads() == null ? 0 : t.relationHeads(), ramp));
        }
        return out;
    }

    private static LayerRef layer(LayerRef ref) {
        return ref == null ? LayerRef.LAST : ref;
    }

    /** A transformer's encoder blocks (the family's default 1). */
    public static int layers(ModelSpec m) {
        return m.layers() == null ? 1 : m.layers();
    }

    private static int heads(ModelSpec m) {
        return m.heads() == null ? 1 : m.heads();
    }

    /**
     * The first problem with the terms, ALD, warm start and init keys of the models (validated otherwise). {@code internals}
     * says whether a family learns from a model's internals (a transformer: layered terms, ramps, free weights, ALD).
     */
    static Optional<KeyProblem> check(ModelsSpec models, DistillSpec distill, List<String> keys,
                                      java.util.function.Predicate<String> internals) {
        try {
            if (distill.terms() != null) shape(distill.terms(), "distill.terms");
            List<ModelSpec> all = models.all();
            for (int i = 0; i < all.size(); i++) checkModel(models, all.get(i), keys.get(i), distill, internals);
            return Optional.empty();
        } catch (Problem p) {
            return Optional.of(p.problem);
        }
    }

    private static void checkModel(ModelsSpec models, ModelSpec m, String key, DistillSpec distill,
                                   java.util.function.Predicate<String> internals) {
        ModelSpec publisher = publisher(models, m);
        if (publisher == null) {
            if (m.terms() != null) {
                throw new Problem(key + ".terms", "'" + m.name() + "' learns from labels alone, so its loss is cross-entropy; "
                        + "terms are for models that learn from a teacher or assistant: remove it");
            }
        } else {
            if (m.terms() != null) shape(m.terms(), key + ".terms");
            List<TermSpec> terms = written(m, distill);
            if (terms != null) {
                String where = m.terms() != null ? key + ".terms" : "distill.terms";
                if (m.alpha() != null) throw new Problem(key + ".alpha", "the loss is given by " + where
                        + ", which weighs each term itself; set the weight of its logits term instead");
                if (m.temperature() != null) throw new Problem(key + ".temperature", "the loss is given by " + where
                        + ": set the temperature of its logits term instead");
                fit(terms, where, m, publisher, internals);
            }
        }
        if (m.ald() != null && m.auxiliaryLayer()) {
            if (publisher == null || !internals.test(m.family())) {
                throw new Problem(key + ".ald", "an auxiliary layer is for a transformer that learns from a publisher; remove it");
            }
            List<TermSpec> terms = written(m, distill);
            boolean bound = terms != null && terms.stream().anyMatch(t -> TermKind.byName(t.term()).orElseThrow().attentionType()
                    && layer(t.studentLayer()).isLast());
            if (!bound) {
                throw new Problem(key + ".ald", "the auxiliary layer would learn nothing: add an attention or relations term with "
                        + "studentLayer: last, or remove ald");
            }
        }
        boolean publishes = models.all().stream().anyMatch(o -> o != m && publisher(models, o) == m);
        if (m.warmStartSteps() != null) {
            if (!publishes) throw new Problem(key + ".warmStartSteps", "'" + m.name() + "' teaches nobody, so there is nothing to "
                    + "warm it up for; remove it");
            if (m.warmStartSteps() < 0) throw new Problem(key + ".warmStartSteps", "expected a number of steps >= 0, got " + m.warmStartSteps());
        }
        if (m.warmStartOn() != null) {
            if (m.warmStartSteps() == null) throw new Problem(key + ".warmStartOn", "only with warmStartSteps; remove it or set warmStartSteps");
            if (!ModelSpec.WARM_START_ON.contains(m.warmStartOn())) {
                throw new Problem(key + ".warmStartOn", "expected one of " + ModelSpec.WARM_START_ON + ", got '" + m.warmStartOn() + "'");
            }
        }
    }

    /** The model {@code m} learns from, or null for labels alone. */
    public static ModelSpec publisher(ModelsSpec models, ModelSpec m) {
        if (m.learnsFrom() == null || ModelSpec.LABELS.equals(m.learnsFrom())) return null;
        return ModelsSpec.ASSISTANT.equals(m.learnsFrom()) ? models.assistant() : models.teacher();
    }

    /** Each entry on its own: a registered term, a weight, only the keys its kind reads. */
    private static void shape(List<TermSpec> terms, String key) {
        if (terms.isEmpty()) throw new Problem(key, "expected at least one term, e.g. [{term: labels, weight: 0.5}, {term: logits, weight: 0.5}]");
        double sum = 0;
        for (int i = 0; i < terms.size(); i++) {
            TermSpec t = terms.get(i);
            String k = key + "[" + i + "]";
            if (t == null) throw new Problem(k, "expected a mapping {term: NAME, weight: W}");
            if (t.term() == null) throw new Problem(k + ".term", "missing (expected one of " + TermKind.names() + ")");
            TermKind kind = TermKind.byName(t.term()).orElseThrow(() ->
                    new Problem(k + ".term", "expected one of " + TermKind.names() + ", got '" + t.term() + "'"));
            if (t.weight() == null) throw new Problem(k + ".weight", "missing (expected a weight >= 0)");
            if (!(t.weight() >= 0 && t.weight() <= 1000)) throw new Problem(k + ".weight", "expected a weight in [0, 1000], got " + t.weight());
            sum += t.weight();
            if (t.temperature() != null && !kind.readsTemperature()) {
                throw new Problem(k + ".temperature", "only a logits term has a temperature; remove it");
            }
            if (t.temperature() != null && !(t.temperature() >= 1e-3 && t.temperature() <= 100)) {
                throw new Problem(k + ".temperature", "expected a number in [0.001, 100], got " + t.temperature());
            }
            if (!kind.layered() && (t.teacherLayer() != null || t.studentLayer() != null)) {
                throw new Problem(k + (t.teacherLayer() != null ? ".teacherLayer" : ".studentLayer"),
                        "a " + kind.configName() + " term reads no layer; only attention, relations and hidden do: remove it");
            }
            if (kind.readsRelationHeads()) {
                if (t.relationHeads() == null || t.relationHeads() < 1) {
                    throw new Problem(k + ".relationHeads", "expected a relation-head count >= 1 that divides both models' widths");
                }
            } else if (t.relationHeads() != null) {
                throw new Problem(k + ".relationHeads", "only a relations term has relation heads; remove it");
            }
            if (t.ramp() != null) {
                TermSpec.RampSpec r = t.ramp();
                if (r.from() == null || r.to() == null || r.from() < 0 || r.to() <= r.from()) {
                    throw new Problem(k + ".ramp", "expected {from: A, to: B} with 0 <= A < B (online steps), got " + r.asYaml());
                }
                if (r.start() != null && !(r.start() >= 0 && r.start() <= 1000)) {
                    throw new Problem(k + ".ramp.start", "expected a weight in [0, 1000], got " + r.start());
                }
            }
        }
        if (!(sum > 0)) throw new Problem(key, "every weight is 0: the learner would learn nothing");
    }

    /** The terms against the learner and its publisher: family, layers, heads, widths. */
    private static void fit(List<TermSpec> terms, String key, ModelSpec learner, ModelSpec publisher,
                            java.util.function.Predicate<String> internals) {
        boolean inside = internals.test(learner.family());
        double sum = 0;
        Map<TermKind, Integer> count = new HashMap<>();
        for (int i = 0; i < terms.size(); i++) {
            TermSpec t = terms.get(i);
            String k = key + "[" + i + "]";
            TermKind kind = TermKind.byName(t.term()).orElseThrow();
            count.merge(kind, 1, Integer::sum);
            sum += t.weight();
            if (!inside && kind.layered()) {
                throw new Problem(k + ".term", "'" + learner.name() + "' is a " + learner.family() + ", which learns from labels and "
                        + "logits only; " + kind.configName() + " needs a transformer learner");
            }
            if (!inside && t.ramp() != null) {
                throw new Problem(k + ".ramp", "'" + learner.name() + "' is a " + learner.family() + ", whose weights are fixed; "
                        + "ramps need a transformer learner");
            }
            if (!kind.layered()) continue;
            if (!internals.test(publisher.family())) {
                throw new Problem(k + ".term", "'" + learner.name() + "' learns from '" + publisher.name() + "', a " + publisher.family()
                        + ", which has no " + kind.configName() + " to send; use labels and logits");
            }
            int tl = layer(t.teacherLayer()).resolve(layers(publisher));
            if (tl < 0 || tl >= layers(publisher)) {
                throw new Problem(k + ".teacherLayer", "'" + publisher.name() + "' has layers 0.." + (layers(publisher) - 1)
                        + ", got " + t.teacherLayer());
            }
            int sl = layer(t.studentLayer()).resolve(layers(learner));
            if (sl < 0 || sl >= layers(learner)) {
                throw new Problem(k + ".studentLayer", "'" + learner.name() + "' has layers 0.." + (layers(learner) - 1)
                        + ", got " + t.studentLayer());
            }
            if (kind == TermKind.ATTENTION && heads(learner) != heads(publisher)) {
                throw new Problem(k + ".term", "attention compares head by head, and '" + learner.name() + "' has " + heads(learner)
                        + " heads, '" + publisher.name() + "' " + heads(publisher) + "; match the heads or use relations");
            }
            if (kind == TermKind.RELATIONS) {
                int r = t.relationHeads();
                int wl = learner.hidden().get(0);
                int wp = publisher.hidden().get(0);
                if (wl % r != 0 || wp % r != 0) {
                    throw new Problem(k + ".relationHeads", r + " must divide both widths (" + learner.name() + " " + wl + ", "
                            + publisher.name() + " " + wp + ")");
                }
            }
        }
        if (!inside) {
            for (Map.Entry<TermKind, Integer> e : count.entrySet()) {
                if (e.getValue() > 1) throw new Problem(key, "'" + learner.name() + "' is a " + learner.family() + ": at most one "
                        + e.getKey().configName() + " term");
            }
            if (Math.abs(sum - 1) > 1e-9) {
                throw new Problem(key, "'" + learner.name() + "' is a " + learner.family() + ", whose loss is (1 - a) CE + a T^2 KL: "
                        + "its labels and logits weights must add up to 1, got " + sum);
            }
        }
    }
}
