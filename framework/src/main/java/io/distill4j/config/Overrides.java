package io.distill4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@code --set a.b[0].c=value} overrides to the YAML tree before it is bound, so an override goes
 * through exactly the same type and range checks as the file. Values are parsed as YAML
 * ({@code 2}, {@code 0.5}, {@code [64, 32]}, {@code adam}).
 */
public final class Overrides {
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private Overrides() {
    }

    public static void apply(ObjectNode root, List<String> assignments, ObjectMapper yaml) {
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set " + assignment, "", "expected KEY=VALUE, e.g. distill.temperature=2");
            }
            String key = assignment.substring(0, eq).trim();
            set(root, key, parseValue(key, assignment.substring(eq + 1), yaml));
        }
    }

    private static JsonNode parseValue(String key, String raw, ObjectMapper yaml) {
        if (raw.isBlank()) {
            throw new ConfigException("--set", key, "expected a value after '='");
        }
        try {
            JsonNode value = yaml.readTree(raw);
            return value == null || value.isMissingNode() ? TextNode.valueOf(raw) : value;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(raw);
        }
    }

    private static void set(ObjectNode root, String key, JsonNode value) {
        List<Object> path = parsePath(key);
        JsonNode node = root;
        for (int i = 0; i < path.size() - 1; i++) {
            node = child(node, path.get(i), path.get(i + 1), key);
        }
        Object last = path.get(path.size() - 1);
        if (last instanceof String field) {
            ((ObjectNode) node).set(field, value);
        } else {
            ArrayNode array = (ArrayNode) node;
            int index = (Integer) last;
            checkIndex(array, index, key);
            array.set(index, value);
        }
    }

    private static JsonNode child(JsonNode node, Object segment, Object next, String key) {
        if (segment instanceof String field) {
            if (!node.isObject()) {
                throw new ConfigException("--set", key, "'" + field + "' is not inside a mapping");
            }
            JsonNode child = node.get(field);
            if (child == null || child.isNull()) {
                if (next instanceof Integer) {
                    throw new ConfigException("--set", key, "'" + field + "' is not a list in the config");
                }
                child = ((ObjectNode) node).putObject(field);
            }
            return child;
        }
        if (!node.isArray()) {
            throw new ConfigException("--set", key, "index [" + segment + "] used on something that is not a list");
        }
        checkIndex((ArrayNode) node, (Integer) segment, key);
        return node.get((Integer) segment);
    }

    private static void checkIndex(ArrayNode array, int index, String key) {
        if (index >= array.size()) {
            throw new ConfigException("--set", key, "index " + index + " out of range (the list has " + array.size() + " entries)");
        }
    }

    private static List<Object> parsePath(String key) {
        List<Object> path = new ArrayList<>();
        for (String part : key.split("\\.", -1)) {
            Matcher m = SEGMENT.matcher(part);
            if (!m.matches()) {
                throw new ConfigException("--set", key, "expected a key path like distill.temperature or models.students[0].hidden");
            }
            path.add(m.group(1));
            Matcher idx = INDEX.matcher(m.group(2));
            while (idx.find()) {
                path.add(Integer.parseInt(idx.group(1)));
            }
        }
        return path;
    }
}
