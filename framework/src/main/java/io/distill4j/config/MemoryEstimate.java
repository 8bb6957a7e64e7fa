package io.distill4j.config;

import io.distill4j.data.DatasetInfo;
import io.distill4j.data.DatasetRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What a run holds in memory at once, estimated from its validated config before anything is built, so that a config
 * the machine cannot hold is refused with the key to change instead of dying of an OutOfMemoryError mid-run.
 * Counted, in 4-byte floats:
 * <ul>
 *   <li>every model, scratch twins included: parameters, gradients, and the optimizer's state, native, and what its
 *       training step keeps on the Java heap (for the DL4J families: Adam 2 per parameter, SGD none; the fused step's
 *       Adam also keeps moments, gradient and parameters on the heap, 4 per parameter);</li>
 *   <li>training activations and their gradients for a batch, every model (conv and pooling outputs included), the
 *       step's per-example scratch (the fused CNN step's im2col matrices), and the gathered batch itself;</li>
 *   <li>the activations of one evaluation batch of the largest model (models are evaluated one at a time);</li>
 *   <li>the dataset: training features (held twice while the validation rows are split off) and test features;</li>
 *   <li>the publishers' signal memories ({@code distill.temporalEnsemble}), on the heap.</li>
 * </ul>
 * Each part is filed under the config key that sizes it, so the biggest one can be named. What one model holds is its
 * family's to say ({@link FamilyRules#footprint}): config knows no architecture. Workspaces, DL4J's im2col buffers and the
 * JVM itself come on top: the estimate is a floor, meant to catch configs that cannot fit at all.
 */
public final class MemoryEstimate {
    /** Rows per inference batch of an evaluation: the evaluator uses it, and the estimate counts one such batch. */
    public static final int EVALUATION_BATCH = 1000;
    private static final long FLOAT = Float.BYTES;

    /** Bytes filed under one config key: native (ND4J, off the Java heap) and Java heap. */
    public record Part(String key, long nativeBytes, long heapBytes) {
        long total() {
            return nativeBytes + heapBytes;
        }
    }

    private final List<Part> parts;

    private MemoryEstimate(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    /** Parts in config order: models, the batch, the data, the signal memories; each key once. */
    public List<Part> parts() {
        return parts;
    }

    public long nativeBytes() {
        return sum(Part::nativeBytes);
    }

    public long heapBytes() {
        return sum(Part::heapBytes);
    }

    private long sum(ToLongFunction<Part> bytes) {
        return parts.stream().mapToLong(bytes).sum();
    }

    /** The part that needs the most of {@code bytes} (native, heap or both). */
    public Part biggest(ToLongFunction<Part> bytes) {
        Part best = parts.get(0);
        for (Part p : parts) if (bytes.applyAsLong(p) > bytes.applyAsLong(best)) best = p;
        return best;
    }

    /** The key whose part needs the most memory of either kind. */
    public String biggestKey() {
        return biggest(Part::total).key();
    }

    /** The estimate of a validated config whose models belong to {@code families} (by name). */
    public static MemoryEstimate of(RunConfig c, Map<String, ? extends FamilyRules> families) {
        // a text dataset's examples are as long as the config says (validation filled data.maxLength in)
        DatasetInfo data = io.distill4j.data.DatasetLoader.describe(c.data().request());
        long batch = c.training().batchSize();
        long train = examples(c.data().trainLimit(), data.trainExamples());
        long test = examples(c.data().testLimit(), data.testExamples());
        long validation = Math.min(c.data().validation(), train);
        long evalRows = Math.min(EVALUATION_BATCH, Math.max(validation, test));
        Map<String, long[]> parts = new LinkedHashMap<>();
        long batchActivations = 0;
        long scratch = 0;
        String evalKey = null;
        long evalActivations = -1;
        List<String> keys = modelKeys(c.models());
        for (int i = 0; i < keys.size(); i++) {
            ModelSpec spec = c.models().all().get(i);
            long copies = c.distill().twins() && keys.get(i).startsWith("models.students") && !spec.learnsFromLabelsOnly() ? 2 : 1;
            Footprint f = families.get(spec.family()).footprint(spec, c.training(), data, evalRows);
            String key = keys.get(i) + "." + f.key();
            add(parts, key, copies * f.nativeBytes(), copies * f.heapBytes());
            batchActivations += copies * f.activations();
            scratch += copies * f.scratch();
            long held = families.get(spec.family()).evaluationRows(evalRows) * f.activations();
            if (held > evalActivations) {
                evalActivations = held;
                evalKey = key;
            }
        }
        add(parts, evalKey, evalActivations * FLOAT, 0);
        add(parts, "training.batchSize", (2 * batch * batchActivations + batch * scratch + batch * (data.pixels() + data.numClasses())) * FLOAT, 0);
        if (c.data().isUserData()) {
            // memory-mapped from the cache: the page cache holds the rows, the heap a label and a place in the shuffle each
            add(parts, "data.train", 0, (train + test) * 2L * Integer.BYTES);
        } else {
            add(parts, "data.trainLimit", train * data.pixels() * FLOAT * (validation > 0 ? 2 : 1), 0);
            add(parts, "data.testLimit", test * data.pixels() * FLOAT, 0);
        }
        if (c.distill().temporalEnsemble() > 0) {
            add(parts, "distill.temporalEnsemble", 0, publishers(c.models()) * (train - validation) * data.numClasses() * FLOAT);
        }
        List<Part> out = new ArrayList<>();
        parts.forEach((k, b) -> out.add(new Part(k, b[0], b[1])));
        return new MemoryEstimate(out);
    }

    private static long examples(int limit, int all) {
        return limit > 0 ? Math.min(limit, all) : all;
    }

    private static void add(Map<String, long[]> parts, String key, long nativeBytes, long heapBytes) {
        long[] b = parts.computeIfAbsent(key, k -> new long[2]);
        b[0] += nativeBytes;
        b[1] += heapBytes;
    }

    /** models.teacher, models.assistant, models.students[i], in {@link ModelsSpec#all()} order. */
    static List<String> modelKeys(ModelsSpec m) {
        List<String> keys = new ArrayList<>();
        if (m.teacher() != null) keys.add("models.teacher");
        if (m.assistant() != null) keys.add("models.assistant");
        for (int i = 0; i < m.students().size(); i++) keys.add("models.students[" + i + "]");
        return keys;
    }

    /** Models someone learns from: each keeps a signal memory when the temporal ensemble is on. */
    private static long publishers(ModelsSpec m) {
        return m.all().stream().map(ModelSpec::learnsFrom).distinct()
                .filter(s -> ModelsSpec.TEACHER.equals(s) || ModelsSpec.ASSISTANT.equals(s)).count();
    }
}
