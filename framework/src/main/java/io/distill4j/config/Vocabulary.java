package io.distill4j.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The names a config may use, taken from the registries so validation and code never disagree; the model families come
 * with their own rules ({@link FamilyRules}), so that config validates every family without knowing any. Engines and
 * precisions keep their order (the order error messages list them in). {@code textDatasets} are the datasets whose
 * examples are token ids (a subset of {@code datasets}): only they take data.maxLength and data.vocabSize.
 */
public record Vocabulary(Set<String> recipes, Set<String> datasets, Set<String> textDatasets, Map<String, ? extends FamilyRules> families,
                         Set<String> optimizers, List<String> engines, List<String> precisions) {
    public Vocabulary {
        recipes = new TreeSet<>(recipes);
        datasets = new TreeSet<>(datasets);
        textDatasets = new TreeSet<>(textDatasets);
        families = new TreeMap<>(families);
        optimizers = new TreeSet<>(optimizers);
        engines = List.copyOf(engines);
        precisions = List.copyOf(precisions);
        if (!datasets.containsAll(textDatasets)) {
            throw new IllegalArgumentException("text datasets " + textDatasets + " must be among the datasets " + datasets);
        }
    }

    /** With image datasets only. */
    public Vocabulary(Set<String> recipes, Set<String> datasets, Map<String, ? extends FamilyRules> families, Set<String> optimizers,
                      List<String> engines, List<String> precisions) {
        this(recipes, datasets, Set.of(), families, optimizers, engines, precisions);
    }

    public Set<String> familyNames() {
        return new TreeSet<>(families.keySet());
    }
}
