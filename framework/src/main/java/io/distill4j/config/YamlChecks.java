package io.distill4j.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the YAML tree cannot tell afterwards, checked on the text: a key written twice (the tree keeps only the last),
 * an alias (Jackson reads {@code *name} as the string "name"), a non-finite number (Jackson cannot parse {@code .nan}).
 * Also decodes the file strictly, so bytes that are not UTF-8 are reported where they are.
 */
final class YamlChecks {
    private static final Pattern NON_FINITE = Pattern.compile("[-+]?\\.(?:inf|Inf|INF|nan|NaN|NAN)");
    private static final Pattern MALFORMED_NUMBER = Pattern.compile("Malformed numeric value '([^']*)'");
    private static final Pattern SEGMENT = Pattern.compile("([^\\[\\]]+)((?:\\[\\d+])*)");

    /** A syntax error: the caller decides whether that is fatal (a file) or the text is a plain string (a --set value). */
    static final class NotYaml extends RuntimeException {
        NotYaml(JsonProcessingException cause) {
            super(cause);
        }

        JsonProcessingException yamlError() {
            return (JsonProcessingException) getCause();
        }
    }

    private YamlChecks() {
    }

    /** {@code bytes} as UTF-8 text, or a ConfigException naming the first byte that is not UTF-8. */
    static String decode(String source, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);   // UTF-8 never decodes to more chars than it has bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) if (bytes[i] == '\n') line++;
            throw new ConfigException(source, "", String.format("not UTF-8 text (byte 0x%02X at offset %d, line %d); save the file as UTF-8",
                    bytes[offset] & 0xff, offset, line));
        }
        return out.flip().toString();
    }

    /**
     * Reads {@code text} token by token. {@code base} is the key path the text sits at ("" for a whole file);
     * {@code withLines} adds line numbers to messages (a file has lines, a --set value has not).
     */
    static void scan(String source, String base, String text, JsonFactory factory, boolean withLines) {
        Deque<Frame> open = new ArrayDeque<>();
        try (JsonParser p = factory.createParser(text)) {
            for (JsonToken t = next(p, source, base, open, withLines); t != null; t = next(p, source, base, open, withLines)) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> open.push(new Frame(valuePath(open, base), t == JsonToken.START_OBJECT));
                    case END_OBJECT, END_ARRAY -> open.pop();
                    case FIELD_NAME -> key(open.peek(), p.currentName(), p.currentTokenLocation().getLineNr(), source, withLines);
                    default -> scalar(p, t, valuePath(open, base), source, withLines);
                }
            }
        } catch (JsonProcessingException e) {
            throw new NotYaml(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // reading a String does no I/O
        }
    }

    /** One open mapping (with the line of each key seen) or list (with the index of its last value). */
    private static final class Frame {
        final String path;
        final Map<String, Integer> keyLines;
        String field;
        int index = -1;

        Frame(String path, boolean mapping) {
            this.path = path;
            this.keyLines = mapping ? new HashMap<>() : null;
        }

        String pathOfNext() {
            return keyLines != null ? join(path, field) : path + "[" + (index + 1) + "]";
        }
    }

    private static JsonToken next(JsonParser p, String source, String base, Deque<Frame> open, boolean withLines) throws IOException {
        try {
            return p.nextToken();
        } catch (JsonProcessingException e) {
            throw nonFiniteOr(e, source, open.isEmpty() ? base : open.peek().pathOfNext(), withLines);
        }
    }

    /** Jackson cannot parse YAML's .nan and .inf: name the key and say what it needs; any other error is rethrown. */
    private static IOException nonFiniteOr(JsonProcessingException e, String source, String key, boolean withLines) {
        Matcher m = MALFORMED_NUMBER.matcher(String.valueOf(e.getOriginalMessage()));
        if (m.find() && NON_FINITE.matcher(m.group(1)).matches()) {
            throw nonFinite(source, key, m.group(1), withLines && e.getLocation() != null ? e.getLocation().getLineNr() : -1);
        }
        return e;
    }

    private static void key(Frame mapping, String name, int line, String source, boolean withLines) {
        Integer first = mapping.keyLines.putIfAbsent(name, line);
        if (first != null) {
            String where = !withLines ? "" : first == line ? " twice on line " + line : " at lines " + first + " and " + line;
            throw new ConfigException(source, "", "duplicate key '" + join(mapping.path, name) + "'" + where);
        }
        mapping.field = name;
    }

    private static void scalar(JsonParser p, JsonToken t, String key, String source, boolean withLines) throws IOException {
        String line = withLines ? " (line " + p.currentTokenLocation().getLineNr() + ")" : "";
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
            throw new ConfigException(source, key, expected(key).map(e -> "expected " + e + ", got").orElse("got")
                    + " the alias *" + p.getText() + line + "; YAML anchors and aliases are not supported, write the value out");
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            double value;
            try {
                value = p.getDoubleValue();   // parsed only now
            } catch (JsonProcessingException e) {
                throw nonFiniteOr(e, source, key, withLines);
            }
            if (!Double.isFinite(value)) throw nonFinite(source, key, p.getText(), withLines ? p.currentTokenLocation().getLineNr() : -1);
        }
    }

    private static ConfigException nonFinite(String source, String key, String written, int line) {
        return new ConfigException(source, key, "expected a finite number, got " + written + (line < 0 ? "" : " (line " + line + ")"));
    }

    /** Path of the value about to be read; moves a list on to its next index. */
    private static String valuePath(Deque<Frame> open, String base) {
        Frame top = open.peek();
        if (top == null) return base;
        String path = top.pathOfNext();
        if (top.keyLines == null) top.index++;
        return path;
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** What the config expects at {@code path} ("a list", "a string" ...), read off the config records; empty if no such key. */
    static Optional<String> expected(String path) {
        Type type = RunConfig.class;
        for (String part : path.split("\\.")) {
            Matcher m = SEGMENT.matcher(part);
            if (!m.matches() || !(type instanceof Class<?> record) || !record.isRecord()) return Optional.empty();
            type = null;
            for (RecordComponent c : record.getRecordComponents()) {
                if (c.getName().equals(m.group(1))) type = c.getGenericType();
            }
            for (int i = 0; i < m.group(2).length(); i++) {
                if (m.group(2).charAt(i) != '[') continue;
                if (!(type instanceof ParameterizedType list) || list.getRawType() != List.class) return Optional.empty();
                type = list.getActualTypeArguments()[0];
            }
            if (type == null) return Optional.empty();
        }
        Class<?> raw = type instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) type;
        return Optional.of(ConfigLoader.describe(raw));
    }
}
