package io.distill4j.data.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.data.DataException;
import io.distill4j.data.DatasetInfo;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.LoadedDataset;
import io.distill4j.data.cache.FeatureCache;
import io.distill4j.data.InputShape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A user's dataset from its config section to trainable splits: finds its cache by the sources' fingerprint and the
 * preprocessing settings, or has its {@link UserFormat} parse it into a new one (once; studies, resumes and later runs
 * reuse it), and opens the cached splits memory-mapped, so a dataset larger than the heap trains.
 */
public final class UserDatasets {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UserDatasets.class);

    private UserDatasets() {
    }

    /** What a prepared dataset is: its shape and classes, the counts of each part, the sources' SHA-256, its preprocessing. */
    public record Description(DatasetInfo info, Preprocessor preprocessor, Map<String, String> sha256,
                              Map<String, Map<String, Long>> classCounts, Path cache, int[] testOrdinals) {
        /**
         * What the run folder's {@code data.json} records: the spec's keys, the sources' SHA-256, the classes and their
         * counts in each split, the preprocessing's kind and shape, and the cache it was read from.
         */
        public ObjectNode toJson(UserDataSpec spec) {
            ObjectNode n = new ObjectMapper().createObjectNode();
            n.put("format", spec.format());
            n.put("train", spec.train().toString());
            if (spec.test() != null) n.put("test", spec.test().toString());
            else n.put("testFraction", spec.testFraction());
            n.put("splitSeed", spec.splitSeed());
            n.put("validation", spec.validation());
            n.set("settings", settings(spec));
            n.putPOJO("sha256", sha256);
            n.putPOJO("classes", preprocessor.classes());
            n.putPOJO("counts", classCounts);
            n.put("preprocessing", preprocessor.kind());
            n.putPOJO("shape", preprocessor.shape());
            n.put("cache", cache.toString());
            if (testOrdinals != null) n.put("testExamples", "test-examples.txt: positions of the test examples in " + spec.train().getFileName());
            return n;
        }
    }

    /** Prepares (or finds) the cache of {@code spec} and describes it; nothing is read again if the cache is there. */
    public static Description describe(UserDataSpec spec) {
        return open(spec).description;
    }

    /** The splits of {@code spec}, memory-mapped from its cache, with the limits applied ({@code 0}: all). */
    public static LoadedDataset load(UserDataSpec spec, int trainLimit, int testLimit) {
        Opened o = open(spec);
        Description d = o.description;
        // data.trainLimit counts the validation examples too, as for a built-in dataset
        LabeledSplit train = limit(o.cache.part(Part.TRAIN), trainLimit > 0 ? Math.max(1, trainLimit - spec.validation()) : 0);
        LabeledSplit test = limit(o.cache.part(Part.TEST), testLimit);
        return new LoadedDataset(d.info(), train, o.cache.part(Part.VALIDATION), test, d.sha256(), null, d.preprocessor());
    }

    private static LabeledSplit limit(LabeledSplit s, int limit) {
        return limit > 0 && limit < s.size() ? s.slice(0, limit) : s;
    }

    private record Opened(FeatureCache cache, Description description) {
    }

    private static Opened open(UserDataSpec spec) {
        UserFormat format = UserFormats.get(spec.format());
        requireSource(spec.train(), "data.train");
        if (spec.test() != null) requireSource(spec.test(), "data.test");
        if (spec.tokenizer() != null && !Files.isRegularFile(spec.tokenizer())) {
            throw new DataException(spec.tokenizer() + ": data.tokenizer names no file (expected a Hugging Face tokenizer.json)");
        }
        List<Path> sources = new ArrayList<>();
        sources.add(spec.train());
        if (spec.test() != null) sources.add(spec.test());
        if (spec.tokenizer() != null) sources.add(spec.tokenizer());
        long started = System.nanoTime();
        boolean[] parsed = {false};
        FeatureCache cache = FeatureCache.prepare(sources, settings(spec), sink -> {
            parsed[0] = true;
            requireDiskFor(sources, spec);
            LOG.info("parsing {} into the feature cache (once: later runs, studies and resumes read the cache)", spec.train());
            Part[][] assigned = new Part[1][];
            Preprocessor p = format.prepare(spec, new SplitPlan(spec.testFraction(), spec.validation(), spec.splitSeed(),
                    parts -> assigned[0] = parts), sink);
            return new FeatureCache.Outcome(p.classes().size(), record(spec, p, assigned[0]));
        });
        if (parsed[0]) {
            double seconds = (System.nanoTime() - started) / 1e9;
            double mb = sourceBytes(sources) / 1e6;
            // the rate means something for a large source only; a small one gets its size
            LOG.info(mb < 10 ? String.format(java.util.Locale.ROOT, "parsed %.1f KB into %s in %.1f s", mb * 1e3, cache.dir(), seconds)
                    : String.format(java.util.Locale.ROOT, "parsed %.1f MB into %s in %.1f s (%.1f MB/s, SHA-256 of the sources included)",
                    mb, cache.dir(), seconds, mb / seconds));
        }
        return new Opened(cache, describe(cache.meta(), cache, spec));
    }

    /**
     * Refuses, before a parse writes anything (it runs only when the cache is missing), a cache that cannot fit: its
     * rows take about as many bytes as the sources' text (a float per number of a few characters), the spill as many again.
     */
    private static void requireDiskFor(List<Path> sources, UserDataSpec spec) {
        Path root = FeatureCache.root();
        long needed = 2 * sourceBytes(sources);
        Path existing = root.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return;
        try {
            long free = Files.getFileStore(existing).getUsableSpace();
            if (free < needed) {
                throw new DataException(String.format(java.util.Locale.ROOT, "%s: its feature cache needs about %.1f GB of disk, but "
                        + "%.1f GB is free in %s; set DISTILL4J_CACHE to a folder with room, or free some space", spec.train(),
                        needed / 1e9, free / 1e9, root));
            }
        } catch (IOException e) {
            // no figure for that disk: the parse itself reports a full disk
        }
    }

    private static long sourceBytes(List<Path> sources) {
        long n = 0;
        for (Path p : sources) {
            try (java.util.stream.Stream<Path> files = Files.walk(p)) {
                n += files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            } catch (IOException e) {
                return 0;
            }
        }
        return n;
    }

    private static void requireSource(Path p, String key) {
        if (!Files.exists(p)) throw new DataException(p + ": " + key + " names no file or folder");
    }

    /** Everything that changes the cached rows besides the sources' bytes, as canonical JSON (the cache key hashes it). */
    static ObjectNode settings(UserDataSpec s) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("format", s.format());
        n.put("hasTest", s.test() != null);
        n.put("testFraction", s.testFraction());
        n.put("splitSeed", s.splitSeed());
        n.put("validation", s.validation());
        n.put("label", s.label());
        n.put("text", s.text());
        n.putPOJO("columns", s.columns());
        n.putPOJO("drop", s.drop());
        n.put("missing", s.missing());
        n.put("unseen", s.unseen());
        if (s.height() != null) n.put("height", s.height());
        if (s.width() != null) n.put("width", s.width());
        if (s.channels() != null) n.put("channels", s.channels());
        n.put("tokenizer", s.tokenizer() != null);
        if (s.maxLength() != null) n.put("maxLength", s.maxLength());
        if (s.vocabSize() != null) n.put("vocabSize", s.vocabSize());
        n.put("truncation", s.truncation().key());
        n.put("malformedText", s.malformedText());
        return n;
    }

    /** What meta.json records of a freshly prepared dataset: the preprocessing's entries, class counts, sources' SHA-256. */
    private static ObjectNode record(UserDataSpec spec, Preprocessor p, Part[] assigned) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode n = json.createObjectNode();
        ObjectNode entries = n.putObject("entries");
        for (Map.Entry<String, byte[]> e : p.entries().entrySet()) entries.put(e.getKey(), e.getValue());
        // which examples of the training source were held out as the test split (their positions in the order the
        // preprocessing reads the source), so that `predict --run` can classify exactly those from the raw files
        if (spec.test() == null && assigned != null) {
            java.nio.ByteBuffer ordinals = java.nio.ByteBuffer.allocate(4 * (int) java.util.Arrays.stream(assigned)
                    .filter(x -> x == Part.TEST).count()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < assigned.length; i++) if (assigned[i] == Part.TEST) ordinals.putInt(i);
            n.put("testOrdinals", ordinals.array());
        }
        return n;
    }

    private static Description describe(JsonNode meta, FeatureCache cache, UserDataSpec spec) {
        JsonNode data = meta.path("extra");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        data.path("entries").fields().forEachRemaining(e -> {
            try {
                entries.put(e.getKey(), e.getValue().binaryValue());
            } catch (IOException x) {
                throw new DataException(cache.dir() + ": meta.json is damaged (" + x.getMessage() + "); delete the folder");
            }
        });
        Preprocessor p = Preprocessors.read(entries, cache.dir().toString())
                .orElseThrow(() -> new DataException(cache.dir() + ": meta.json has no preprocessing; delete the folder"));
        // the sources' SHA-256 in the order they were given: train, then test and tokenizer if any
        Map<String, String> sha = new LinkedHashMap<>();
        List<String> roles = new ArrayList<>(List.of("train"));
        if (spec.test() != null) roles.add("test");
        if (spec.tokenizer() != null) roles.add("tokenizer");
        JsonNode sources = meta.path("sources");
        for (int i = 0; i < sources.size() && i < roles.size(); i++) sha.put(roles.get(i), sources.get(i).path("sha256").asText());
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        for (Part part : Part.values()) {
            int[] labels = cache.part(part).labels();
            long[] c = new long[p.classes().size()];
            for (int l : labels) c[l]++;
            Map<String, Long> byName = new LinkedHashMap<>();
            for (int i = 0; i < c.length; i++) byName.put(p.classes().get(i), c[i]);
            counts.put(part.key(), byName);
        }
        InputShape shape = p.shape();
        int train = cache.part(Part.TRAIN).size() + cache.part(Part.VALIDATION).size();
        int test = cache.part(Part.TEST).size();
        String name = spec.train().getFileName().toString().replaceFirst("\\.[A-Za-z0-9]+$", "");
        DatasetInfo info = shape.isText()
                ? new DatasetInfo(name, DatasetInfo.Kind.TEXT, List.of(), p.classes().size(), 1, shape.width(), 1, train, test, shape.vocabulary())
                : new DatasetInfo(name, DatasetInfo.Kind.IMAGE, List.of(), p.classes().size(), shape.height(), shape.width(),
                        shape.channels(), train, test, 0);
        info = info.withClassNames(p.classes());
        int[] ordinals = null;
        if (data.has("testOrdinals")) {
            try {
                java.nio.IntBuffer b = java.nio.ByteBuffer.wrap(data.get("testOrdinals").binaryValue()).order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer();
                ordinals = new int[b.remaining()];
                b.get(ordinals);
            } catch (IOException e) {
                throw new DataException(cache.dir() + ": meta.json is damaged (" + e.getMessage() + "); delete the folder");
            }
        }
        return new Description(info, p, sha, counts, cache.dir(), ordinals);
    }
}
