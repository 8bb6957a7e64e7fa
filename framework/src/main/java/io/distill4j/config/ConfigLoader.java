package io.distill4j.config;

import io.distill4j.runtime.Sha256;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Reads a YAML config, applies overrides, binds it strictly into {@link RunConfig} and validates it. */
public final class ConfigLoader {
    /** The largest config file read: the shipped ones are under 10 KB. */
    public static final int MAX_CONFIG_BYTES = 1 << 20;
    /** Jackson's default nesting limit, which refuses deeper files before we see them. */
    private static final int MAX_NESTING = com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_DEPTH;
    private final Vocabulary vocabulary;
    private final MemoryBudget memory;
    private final ObjectMapper yaml;
    private final ObjectMapper canonicalJson;
    private final boolean initFilesMustExist;

    public ConfigLoader(Vocabulary vocabulary) {
        this(vocabulary, MemoryBudget.ofThisJvm());
    }

    /** With the memory a run may use: configs needing more are refused (tests pass a budget of their own). */
    public ConfigLoader(Vocabulary vocabulary, MemoryBudget memory) {
        this(vocabulary, memory, true);
    }

    private ConfigLoader(Vocabulary vocabulary, MemoryBudget memory, boolean initFilesMustExist) {
        this.vocabulary = vocabulary;
        this.memory = memory;
        this.initFilesMustExist = initFilesMustExist;
        this.yaml = strict(YAMLMapper.builder(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
                .build());
        this.canonicalJson = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build();
    }

    /**
     * A loader for the config of a run being resumed (its config.yaml, its checkpoints'): the same checks, except that an
     * {@code init:} file need not exist any longer. It was read when the run started; the checkpoints hold the weights.
     */
    public ConfigLoader forResume() {
        return new ConfigLoader(vocabulary, memory, false);
    }

    private static ObjectMapper strict(ObjectMapper m) {
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        m.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
        // "epochs: 2.5" or "name: 3" must be reported, not silently converted
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return m;
    }

    public ObjectMapper yamlMapper() {
        return yaml;
    }

    /** Loads and validates {@code file} with {@code overrides} applied. */
    public ResolvedConfig load(Path file, List<String> overrides) {
        String source = file.toString();
        JsonNode tree = parse(source, file);
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(source, "", "expected a YAML mapping with keys name, data, models, distill, training, output");
        }
        ObjectNode root = (ObjectNode) tree;
        Path projectRoot = ConfigPaths.projectRoot(file);
        ConfigPaths.makeAbsolute(root, projectRoot);
        ObjectNode asWritten = root.deepCopy();
        Overrides.apply(root, overrides, yaml);
        ConfigPaths.makeAbsolute(root, Path.of("").toAbsolutePath());  // paths given with --set: the current directory
        try {
            oldKeysBesideTerms(source, root);   // inside: a --set distill.alpha beside the file's terms is blamed on the --set
            return resolve(source, root, projectRoot);
        } catch (MemoryRefusal e) {
            ConfigException blamed = Overrides.blame(e, overrides);
            throw blamed != e ? blamed : blameForMemory(e, source, asWritten, projectRoot, overrides);
        } catch (ConfigException e) {
            throw Overrides.blame(e, overrides);
        }
    }

    /**
     * A memory refusal whose key no override set (round 3, D13: {@code --set data.vocabSize=10000000} was blamed on the
     * file's {@code models.teacher.hidden}): if the config fits without some override, that override made it too big and
     * is named, with its key as the other thing to shrink. Each try re-validates the file's tree, which takes milliseconds.
     */
    private ConfigException blameForMemory(MemoryRefusal e, String source, ObjectNode asWritten, Path projectRoot,
                                           List<String> overrides) {
        for (int i = overrides.size() - 1; i >= 0; i--) {
            List<String> others = new ArrayList<>(overrides);
            String culprit = others.remove(i);
            if (fitsInMemory(source, asWritten, projectRoot, others)) {
                int eq = culprit.indexOf('=');
                return new ConfigException("--set " + culprit, e.keyPath(), e.problem() + " or " + culprit.substring(0, eq).trim());
            }
        }
        return e;
    }

    private boolean fitsInMemory(String source, ObjectNode asWritten, Path projectRoot, List<String> overrides) {
        ObjectNode root = asWritten.deepCopy();
        try {
            Overrides.apply(root, overrides, yaml);
            ConfigPaths.makeAbsolute(root, Path.of("").toAbsolutePath());
            resolve(source, root, projectRoot);
            return true;
        } catch (MemoryRefusal e) {
            return false;
        } catch (ConfigException e) {
            return false;   // invalid without the others: no conclusion about this one
        }
    }

    /**
     * {@code distill.alpha} and {@code distill.temperature} describe the loss {@code distill.terms} replaces: both at once
     * would leave one silently ignored. (Checked on the file as written: a resolved config always holds both defaults.)
     */
    private static void oldKeysBesideTerms(String source, ObjectNode root) {
        JsonNode distill = root.get("distill");
        if (distill == null || !distill.isObject() || distill.get("terms") == null) return;
        if (distill.get("alpha") != null) {
            throw new ConfigException(source, "distill.alpha", "distill.terms weighs each term itself: remove alpha and write "
                    + "the weights as {term: labels, weight: 1 - alpha} and {term: logits, weight: alpha}");
        }
        if (distill.get("temperature") != null) {
            throw new ConfigException(source, "distill.temperature", "distill.terms is set: remove temperature and give the "
                    + "logits term its own, e.g. {term: logits, weight: 0.5, temperature: 2}");
        }
    }

    private JsonNode parse(String source, Path file) {
        byte[] bytes;
        try {
            bytes = readBounded(source, file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, "", "file not found");
        } catch (IOException e) {
            throw new ConfigException(source, "", "cannot be read: " + e.getMessage());
        }
        String text = YamlChecks.decode(source, bytes);
        try {
            YamlChecks.scan(source, "", text, yaml.getFactory(), true);
            return yaml.readTree(text);
        } catch (YamlChecks.NotYaml e) {
            throw notYaml(source, e.yamlError());
        } catch (JsonProcessingException e) {
            throw notYaml(source, e);
        }
    }

    /**
     * The file's bytes, refused past {@link #MAX_CONFIG_BYTES} before it is read or scanned: the YAML checks slow down
     * faster than the file grows (16 MB took 75 s before SnakeYAML's own limit refused it, in its words; round 3, D12).
     * The size is checked first (fast), then the read itself stops at the limit (a device or pipe has no size).
     */
    private static byte[] readBounded(String source, Path file) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) > MAX_CONFIG_BYTES) throw tooLarge(source, Files.size(file));
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
            if (bytes.length > MAX_CONFIG_BYTES) throw tooLarge(source, -1);
            return bytes;
        }
    }

    private static ConfigException tooLarge(String source, long size) {
        String is = size < 0 ? "is" : "is " + String.format(java.util.Locale.ROOT, "%,d", size) + " bytes,";
        return new ConfigException(source, "", is + " more than the 1 MiB (" + String.format(java.util.Locale.ROOT, "%,d", MAX_CONFIG_BYTES)
                + " bytes) a config file may have; a config is a few kilobytes, check that this is the file you meant");
    }

    private static ConfigException notYaml(String source, JsonProcessingException e) {
        String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        String original = String.valueOf(e.getOriginalMessage());
        // the parser's words name its own classes and settings (round 3, D21): say what is wrong with the file instead
        if (original.startsWith("Trailing token")) {
            return new ConfigException(source, "", "holds a second YAML document" + line + "; a config is one document: "
                    + "remove the '---' line and what follows it, or merge the two");
        }
        if (original.contains("nesting depth")) {
            return new ConfigException(source, "", "nests mappings or lists more than " + MAX_NESTING + " levels deep" + line
                    + "; a config is a few levels deep (models.students[0].optimizer.name is 4)");
        }
        return new ConfigException(source, "", "not valid YAML: " + firstLine(e.getOriginalMessage()) + line);
    }

    /** Binds and validates an already-parsed tree (used for resume, where the config comes from the run folder). */
    public ResolvedConfig resolve(String source, ObjectNode root, Path projectRoot) {
        RunConfig raw = ConfigPaths.withAbsoluteDefaults(bind(source, root), projectRoot);
        RunConfig config = new ConfigValidator(source, vocabulary, memory, initFilesMustExist).validate(raw);
        return new ResolvedConfig(config, toYaml(config), hash(config));
    }

    private RunConfig bind(String source, ObjectNode root) {
        try {
            return yaml.treeToValue(root, RunConfig.class);
        } catch (UnrecognizedPropertyException e) {
            List<String> known = e.getKnownPropertyIds() == null ? List.of()
                    : e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.toList());
            throw new ConfigException(source, path(e), "unknown key (expected one of " + known + ")");
        } catch (InvalidFormatException e) {
            throw new ConfigException(source, path(e), "expected " + describe(e.getTargetType())
                    + ", got '" + e.getValue() + "'");
        } catch (MismatchedInputException e) {
            throw new ConfigException(source, path(e), "expected " + describe(e.getTargetType())
                    + mismatchDetail(e));
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            // a value's own factory refused it (LayerRef): its message says what it expects, without Jackson's wording
            String problem = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                    : firstLine(e.getOriginalMessage());
            throw new ConfigException(source, path(e), firstLine(problem));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InputCoercionException tooBig) {
                // a number beyond int/long: say which key and the range it allows, not Java's int range alone
                String key = path(e);
                throw new ConfigException(source, key, "expected " + ConfigValidator.integerExpectation(key, tooBig.getTargetType(), vocabulary)
                        + ", got " + root.at(pointer(e)).asText());
            }
            throw new ConfigException(source, path(e), firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, "", firstLine(e.getOriginalMessage()));
        }
    }

    private static String mismatchDetail(MismatchedInputException e) {
        String m = e.getOriginalMessage();
        if (m == null) return "";
        int from = m.indexOf("from ");
        if (from >= 0) {
            String rest = m.substring(from + 5);
            int cut = rest.indexOf(" (");
            int cut2 = rest.indexOf(';');
            int end = cut < 0 ? cut2 : (cut2 < 0 ? cut : Math.min(cut, cut2));
            return ", got " + (end < 0 ? rest : rest.substring(0, end));
        }
        return "";
    }

    static String describe(Class<?> type) {
        if (type == null) return "a different value";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "an integer";
        if (type == Double.class || type == double.class) return "a number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (List.class.isAssignableFrom(type)) return "a list";
        if (type == LayerRef.class) return "a layer index from 0 or 'last'";
        if (type.isRecord()) return "a mapping (" + type.getSimpleName().replace("Spec", "").toLowerCase() + " settings)";
        return type.getSimpleName();
    }

    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static JsonPointer pointer(JsonMappingException e) {
        JsonPointer p = JsonPointer.empty();
        for (JsonMappingException.Reference ref : e.getPath()) {
            p = ref.getFieldName() != null ? p.appendProperty(ref.getFieldName()) : p.appendIndex(ref.getIndex());
        }
        return p;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public String toYaml(RunConfig config) {
        try {
            return config.distill().terms() == null ? yaml.writeValueAsString(config) : yaml.writeValueAsString(tree(yaml, config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise config", e);
        }
    }

    /** SHA-256 of the canonical (sorted-key JSON) form of the resolved config: equal configs hash equal. */
    public String hash(RunConfig config) {
        try {
            byte[] bytes = canonicalJson.writeValueAsBytes(tree(canonicalJson, config));
            return Sha256.hex(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot hash config", e);
        }
    }

    /** Lists the dotted keys whose values differ between two resolved configs (for resume checks and compare). */
    public List<String> changedKeys(RunConfig a, RunConfig b) {
        List<String> out = new ArrayList<>();
        diff("", tree(canonicalJson, a), tree(canonicalJson, b), out);
        return out;
    }

    /**
     * The config as {@code mapper} writes it. With {@code distill.terms}, without {@code distill.alpha} and
     * {@code distill.temperature}: the defaults DistillSpec fills in are no part of such a loss, and
     * {@link #oldKeysBesideTerms} refuses them written beside terms, so a resolved config (a run folder's config.yaml,
     * which resume and studies load) must not hold them.
     */
    private static JsonNode tree(ObjectMapper mapper, RunConfig config) {
        JsonNode tree = mapper.valueToTree(config);
        if (config.distill().terms() != null && tree.get("distill") instanceof ObjectNode distill) {
            distill.remove("alpha");
            distill.remove("temperature");
        }
        return tree;
    }

    private static void diff(String prefix, JsonNode a, JsonNode b, List<String> out) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            java.util.TreeSet<String> keys = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) diff(prefix.isEmpty() ? k : prefix + "." + k, a.get(k), b.get(k), out);
        } else if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()
                && a.size() > 0 && a.get(0).isObject()) {
            for (int i = 0; i < a.size(); i++) diff(prefix + "[" + i + "]", a.get(i), b.get(i), out);
        } else if (a == null ? b != null : !a.equals(b)) {
            out.add(prefix);
        }
    }
}
