package io.distill4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@code --set a.b[0].c=value} overrides to the YAML tree before it is bound, so an override goes
 * through exactly the same type and range checks as the file. Values are parsed as YAML
 * ({@code 2}, {@code 0.5}, {@code [64, 32]}, {@code adam}). A path that does not fit the tree is an
 * {@link OverrideException}; a value the validator later refuses is blamed on its override by {@link #blame}.
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
                throw new OverrideException(assignment, "expected KEY=VALUE, e.g. distill.temperature=2");
            }
            String key = assignment.substring(0, eq).trim();
            String raw = assignment.substring(eq + 1);
            if (raw.isBlank()) throw new OverrideException(assignment, "expected a value after '='");
            new Setter(assignment, key).set(root, parseValue(assignment, key, raw, yaml));
        }
    }

    /**
     * {@code e} re-addressed to the override that set the key it is about (or a key above or below it), so a
     * value given on the command line is not blamed on the file; otherwise {@code e} itself.
     */
    public static ConfigException blame(ConfigException e, List<String> assignments) {
        for (int i = assignments.size() - 1; i >= 0; i--) {   // the last override of a key is the one in effect
            String assignment = assignments.get(i);
            int eq = assignment.indexOf('=');
            if (eq > 0 && related(assignment.substring(0, eq).trim(), e.keyPath())) {
                return new ConfigException("--set " + assignment, e.keyPath(), e.problem());
            }
        }
        return e;
    }

    private static boolean related(String overridden, String key) {
        return key != null && !key.isEmpty() && (within(key, overridden) || within(overridden, key));
    }

    /** Whether {@code path} is {@code prefix} or a key inside it. */
    private static boolean within(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix) && (path.charAt(prefix.length()) == '.' || path.charAt(prefix.length()) == '[');
    }

    private static JsonNode parseValue(String assignment, String key, String raw, ObjectMapper yaml) {
        try {
            YamlChecks.scan("--set " + assignment, key, raw, yaml.getFactory(), false);
            JsonNode value = yaml.readTree(raw);
            return value == null || value.isMissingNode() ? TextNode.valueOf(raw) : value;
        } catch (YamlChecks.NotYaml | JsonProcessingException e) {
            // not YAML of its own (e.g. "a: b: c"): the text as given, which binding checks like any string
            return TextNode.valueOf(raw);
        }
    }

    /** Walks one override's key path through the tree and sets its value, naming the override in every refusal. */
    private record Setter(String assignment, String key) {
        void set(ObjectNode root, JsonNode value) {
            List<Object> path = parsePath();
            JsonNode node = root;
            String at = "";
            for (int i = 0; i < path.size() - 1; i++) {
                node = child(node, at, path.get(i), path.get(i + 1));
                at = append(at, path.get(i));
            }
            Object last = path.get(path.size() - 1);
            container(node, at, last);
            if (last instanceof String field) {
                ((ObjectNode) node).set(field, value);
            } else {
                ((ArrayNode) node).set(index((ArrayNode) node, at, (BigInteger) last), value);
            }
        }

        private JsonNode child(JsonNode node, String at, Object segment, Object next) {
            container(node, at, segment);
            String here = append(at, segment);
            if (segment instanceof String field) {
                JsonNode child = node.get(field);
                if (child == null || child.isNull()) {
                    if (next instanceof BigInteger) {
                        throw new OverrideException(assignment, "'" + here + "' is not in the config, so it has no index [" + next
                                + "]; set the whole list, e.g. " + here + "=[...]");
                    }
                    child = ((ObjectNode) node).putObject(field);
                }
                return child;
            }
            return node.get(index((ArrayNode) node, at, (BigInteger) segment));
        }

        /** Refuses a field of something that is not a mapping, or an index of something that is not a list. */
        private void container(JsonNode node, String at, Object segment) {
            if (segment instanceof String field && !node.isObject()) {
                throw new OverrideException(assignment, "'" + at + "' is " + kind(node) + ", it has no field '" + field + "'");
            }
            if (segment instanceof BigInteger && !node.isArray()) {
                throw new OverrideException(assignment, "'" + at + "' is " + kind(node) + ", not a list: it has no index [" + segment + "]");
            }
        }

        private int index(ArrayNode array, String at, BigInteger index) {
            if (index.compareTo(BigInteger.valueOf(array.size())) >= 0) {
                throw new OverrideException(assignment, "index " + index + " is out of range: " + at + " has " + array.size() + " entries");
            }
            return index.intValue();
        }

        private List<Object> parsePath() {
            List<Object> path = new ArrayList<>();
            for (String part : key.split("\\.", -1)) {
                Matcher m = SEGMENT.matcher(part);
                if (!m.matches()) {
                    throw new OverrideException(assignment, "expected a key path like distill.temperature or models.students[0].hidden");
                }
                path.add(m.group(1));
                // indices stay exact however long: one past int's range is out of range, not a crash
                Matcher idx = INDEX.matcher(m.group(2));
                while (idx.find()) path.add(new BigInteger(idx.group(1)));
            }
            return path;
        }

        private static String append(String at, Object segment) {
            if (segment instanceof BigInteger) return at + "[" + segment + "]";
            return at.isEmpty() ? (String) segment : at + "." + segment;
        }

        private static String kind(JsonNode node) {
            if (node.isTextual()) return "a string";
            if (node.isNumber()) return "a number";
            if (node.isBoolean()) return "a boolean";
            if (node.isArray()) return "a list";
            if (node.isObject()) return "a mapping";
            return "empty";
        }
    }
}
