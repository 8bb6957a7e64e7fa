package io.distill4j.model;

import io.distill4j.model.dl4j.CnnFamily;
import io.distill4j.model.dl4j.MlpFamily;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The registry of model families by the name configs use; a family may build a model of any engine. */
public final class ModelFamilies {
    private static final Map<String, ModelFamily> FAMILIES = new TreeMap<>();

    static {
        register(new MlpFamily());
        register(new CnnFamily());
        register(new io.distill4j.model.transformer.TransformerFamily());
    }

    private ModelFamilies() {
    }

    public static synchronized void register(ModelFamily family) {
        FAMILIES.put(family.name(), family);
    }

    public static synchronized Set<String> names() {
        return Set.copyOf(FAMILIES.keySet());
    }

    /** Every family by name: the config's vocabulary validates models through them. */
    public static synchronized Map<String, ModelFamily> all() {
        return Map.copyOf(FAMILIES);
    }

    public static synchronized ModelFamily get(String name) {
        ModelFamily f = FAMILIES.get(name);
        if (f == null) throw new IllegalArgumentException("unknown model family '" + name + "', known: " + FAMILIES.keySet());
        return f;
    }
}
