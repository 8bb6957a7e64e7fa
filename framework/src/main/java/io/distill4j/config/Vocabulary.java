package io.distill4j.config;

import java.util.Set;
import java.util.TreeSet;

/** The names a config may use, taken from the registries so validation and code never disagree. */
public record Vocabulary(Set<String> recipes, Set<String> datasets, Set<String> families, Set<String> optimizers) {
    public Vocabulary {
        recipes = new TreeSet<>(recipes);
        datasets = new TreeSet<>(datasets);
        families = new TreeSet<>(families);
        optimizers = new TreeSet<>(optimizers);
    }
}
