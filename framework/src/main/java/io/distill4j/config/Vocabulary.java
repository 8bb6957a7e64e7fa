package io.distill4j.config;

import java.util.Set;
import java.util.TreeSet;

/**
 * The names a config may use, taken from the registries so validation and code never disagree. {@code textDatasets}
 * are the datasets whose examples are token ids (a subset of {@code datasets}): only they take data.maxLength and
 * data.vocabSize.
 */
public record Vocabulary(Set<String> recipes, Set<String> datasets, Set<String> textDatasets, Set<String> families,
                         Set<String> optimizers) {
    public Vocabulary {
        recipes = new TreeSet<>(recipes);
        datasets = new TreeSet<>(datasets);
        textDatasets = new TreeSet<>(textDatasets);
        families = new TreeSet<>(families);
        optimizers = new TreeSet<>(optimizers);
        if (!datasets.containsAll(textDatasets)) {
            throw new IllegalArgumentException("text datasets " + textDatasets + " must be among the datasets " + datasets);
        }
    }

    /** With image datasets only. */
    public Vocabulary(Set<String> recipes, Set<String> datasets, Set<String> families, Set<String> optimizers) {
        this(recipes, datasets, Set.of(), families, optimizers);
    }
}
