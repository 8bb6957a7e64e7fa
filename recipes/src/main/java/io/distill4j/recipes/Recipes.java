package io.distill4j.recipes;

import io.distill4j.config.Vocabulary;
import io.distill4j.data.DatasetRegistry;
import io.distill4j.model.ModelFamilies;
import io.distill4j.model.dl4j.Optimizers;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** The registry of recipes by name, and the vocabulary that config validation checks names against. */
public final class Recipes {
    private static final Map<String, Recipe> BY_NAME = new TreeMap<>();

    static {
        register(new OnlineDistillationRecipe());
    }

    private Recipes() {
    }

    public static synchronized void register(Recipe recipe) {
        BY_NAME.put(recipe.name(), recipe);
    }

    public static synchronized Recipe get(String name) {
        Recipe r = BY_NAME.get(name);
        if (r == null) throw new IllegalArgumentException("unknown recipe '" + name + "', known: " + BY_NAME.keySet());
        return r;
    }

    public static synchronized Collection<Recipe> all() {
        return BY_NAME.values();
    }

    public static Vocabulary vocabulary() {
        return new Vocabulary(BY_NAME.keySet(), DatasetRegistry.names(), DatasetRegistry.textNames(), ModelFamilies.all(),
                Optimizers.names(), TrainingSteps.engines(), Precision.all());
    }
}
