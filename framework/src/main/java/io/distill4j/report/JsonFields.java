package io.distill4j.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The fields of one JSON object of a file, each read only if it has the expected type and range; the first one that
 * does not is a {@link ReportException} "{@code file: path must be ..., got value}" naming the field by its full path
 * ({@code models[2].test.accuracy}). Checking the tree before binding it to records is what tells 2 from "2" and 2.9.
 */
final class JsonFields {
    private static final String MISSING = "(missing)";
    private final Path file;
    private final String path;
    private final JsonNode node;

    private JsonFields(Path file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** The top-level object of {@code file}. */
    static JsonFields root(Path file, JsonNode tree) {
        if (tree == null || !tree.isObject()) throw new ReportException(file + " must hold a JSON object, got " + shown(tree));
        return new JsonFields(file, "", tree);
    }

    /** The raw value of a field, null if absent. */
    JsonNode value(String name) {
        return node.get(name);
    }

    boolean present(String name) {
        return node.hasNonNull(name);
    }

    /** Refuses any field not in {@code known}: a field this version does not know means another format. */
    void only(Set<String> known, int schemaVersion) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) throw new ReportException(file + ": " + at(name) + " is not a field of report schema " + schemaVersion);
        }
    }

    String string(String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) throw fail(name, "a non-empty string");
        return v.asText();
    }

    /** A string, possibly empty, or null (descriptive fields such as provenance). */
    void optionalString(String name) {
        JsonNode v = node.get(name);
        if (v != null && !v.isNull() && !v.isTextual()) throw fail(name, "a string");
    }

    String oneOf(String name, List<String> allowed) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual() || !allowed.contains(v.asText())) throw fail(name, "one of " + String.join(", ", allowed));
        return v.asText();
    }

    long integer(String name, long min) {
        return integer(name, node.get(name), min);
    }

    double number(String name, double min, double max) {
        return number(name, node.get(name), min, max);
    }

    /** A finite number greater than zero (sizes, ratios, timings). */
    double positive(String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) throw fail(name, "a number > 0");
        return v.asDouble();
    }

    JsonFields object(String name, String expected) {
        JsonNode v = node.get(name);
        if (v == null || !v.isObject()) throw fail(name, expected);
        return new JsonFields(file, at(name), v);
    }

    /** The objects of an array field, at least {@code minSize} of them. */
    List<JsonFields> objects(String name, int minSize, String expected) {
        JsonNode v = node.get(name);
        if (v == null || !v.isArray() || v.size() < minSize) throw fail(name, expected);
        List<JsonFields> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) throw fail(name + "[" + i + "]", v.get(i), "an object");
            out.add(new JsonFields(file, at(name) + "[" + i + "]", v.get(i)));
        }
        return out;
    }

    /** An array of finite numbers in [min, max]; returns its length. */
    int numbers(String name, double min, double max) {
        JsonNode v = array(name, "an array of numbers");
        for (int i = 0; i < v.size(); i++) number(name + "[" + i + "]", v.get(i), min, max);
        return v.size();
    }

    /** An array of integers >= min; returns its length. */
    int integers(String name, long min) {
        JsonNode v = array(name, "an array of integers");
        for (int i = 0; i < v.size(); i++) integer(name + "[" + i + "]", v.get(i), min);
        return v.size();
    }

    /** A matrix of integers >= min (rows of any length). */
    void integerRows(String name, long min) {
        JsonNode v = array(name, "an array of arrays of integers");
        for (int i = 0; i < v.size(); i++) {
            String row = name + "[" + i + "]";
            if (!v.get(i).isArray()) throw fail(row, v.get(i), "an array of integers");
            for (int j = 0; j < v.get(i).size(); j++) integer(row + "[" + j + "]", v.get(i).get(j), min);
        }
    }

    /** An array of distinct non-empty strings; returns them. */
    List<String> distinctStrings(String name, String expected) {
        JsonNode v = array(name, expected);
        List<String> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode s = v.get(i);
            if (!s.isTextual() || s.asText().isEmpty()) throw fail(name + "[" + i + "]", s, "a non-empty string");
            if (!seen.add(s.asText())) throw fail(name + "[" + i + "]", s, "a class name no other class has");
            out.add(s.asText());
        }
        return out;
    }

    void strings(String name) {
        JsonNode v = array(name, "an array of strings");
        for (JsonNode s : v) if (!s.isTextual()) throw fail(name, "an array of strings");
    }

    /** A map from strings to strings. */
    void stringMap(String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isObject()) throw fail(name, "an object of strings");
        v.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) throw fail(name + "." + e.getKey(), e.getValue(), "a string");
        });
    }

    ReportException fail(String name, String expected) {
        return fail(name, node.get(name), expected);
    }

    private JsonNode array(String name, String expected) {
        JsonNode v = node.get(name);
        if (v == null || !v.isArray()) throw fail(name, expected);
        return v;
    }

    private long integer(String name, JsonNode v, long min) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min) {
            throw fail(name, v, "an integer" + (min == Long.MIN_VALUE ? "" : min == 1 ? " > 0" : " >= " + min));
        }
        return v.asLong();
    }

    private double number(String name, JsonNode v, double min, double max) {
        // written as !(in range) so that NaN is refused too
        if (v == null || !v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            throw fail(name, v, "a number " + (max == Double.MAX_VALUE ? ">= " + plain(min) : "in [" + plain(min) + ", " + plain(max) + "]"));
        }
        return v.asDouble();
    }

    private ReportException fail(String name, JsonNode value, String expected) {
        return new ReportException(file + ": " + at(name) + " must be " + expected + ", got " + shown(value));
    }

    private String at(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The value as JSON text, cut short if long (a whole array would not fit on one error line). */
    static String shown(JsonNode value) {
        if (value == null || value.isMissingNode()) return MISSING;
        String s = value.isNumber() ? value.asText() : value.toString();   // toString() would quote NaN and Infinity
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.valueOf(v);
    }
}
