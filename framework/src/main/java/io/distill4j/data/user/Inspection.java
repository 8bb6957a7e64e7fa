package io.distill4j.data.user;

import io.distill4j.data.InputShape;

import java.util.List;
import java.util.Map;

/**
 * What a file or folder holds, found by {@link UserFormat#inspect}: its format, how many examples, the classes and
 * their counts (in class-index order), the shape a row will have, lines describing the rest (columns and their types, text
 * lengths, image sizes), and the {@code data} keys a config for it needs besides {@code format} and {@code train}
 * (e.g. {@code label}, {@code height}), as they would be written in YAML.
 */
public record Inspection(String format, long examples, Map<String, Long> classCounts, InputShape shape,
                         List<String> details, Map<String, Object> dataKeys) {
    public Inspection {
        // kept in the caller's order: classes in class-index order, keys in the order a config lists them
        classCounts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(classCounts));
        details = List.copyOf(details);
        dataKeys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dataKeys));
    }
}
