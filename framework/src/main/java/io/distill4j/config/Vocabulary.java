package io.distill4j.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The names a config may use, taken from the registries so validation and code never disagree; the model families come
 * with their own rules ({@link FamilyRules}), so that config validates every family without knowing any. Engines and
 * precisions keep their order (the order error messages list them in).
 */
public record Vocabulary(Set<String> recipes, Set<String> datasets, Map<String, ? extends FamilyRules> families, Set<String> optimizers,
                         List<String> engines, List<String> precisions) {
    public Vocabulary {
        recipes = new TreeSet<>(recipes);
        datasets = new TreeSet<>(datasets);
        families = new TreeMap<>(families);
        optimizers = new TreeSet<>(optimizers);
        engines = List.copyOf(engines);
        precisions = List.copyOf(precisions);
    }

    public Set<String> familyNames() {
        return new TreeSet<>(families.keySet());
    }
}
