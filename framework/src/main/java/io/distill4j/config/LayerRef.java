package io.distill4j.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A transformer layer a term reads: an index from 0 ({@code 1}), or {@code last}. Written either way in YAML.
 */
public record LayerRef(int index) {
    public static final LayerRef LAST = new LayerRef(-1);

    @JsonCreator
    public static LayerRef of(int index) {
        // -1 is how LAST is held, not a way to write it: 'teacherLayer: -1' must not silently mean the last layer
        if (index < 0) throw new IllegalArgumentException("expected a layer index from 0 or 'last', got " + index);
        return new LayerRef(index);
    }

    @JsonCreator
    public static LayerRef of(String text) {
        if ("last".equals(text)) return LAST;
        throw new IllegalArgumentException("expected a layer index from 0 or 'last', got '" + text + "'");
    }

    public boolean isLast() {
        return index == -1;
    }

    /** The index in a model of {@code layers} layers. */
    public int resolve(int layers) {
        return isLast() ? layers - 1 : index;
    }

    @JsonValue
    public Object json() {
        return isLast() ? "last" : index;
    }

    @Override
    public String toString() {
        return isLast() ? "last" : Integer.toString(index);
    }
}
