package io.distill4j.config;

import io.distill4j.data.DatasetInfo;
import io.distill4j.data.DatasetRegistry;
import io.distill4j.model.Optimizers;
import io.distill4j.report.Evaluator;
import io.distill4j.step.TrainingSteps;

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
 *   <li>every model, scratch twins included: parameters, gradients, and the optimizer's state (Adam 2 per
 *       parameter, SGD none: {@code IUpdater.stateSize}), native; the fused step's Adam also keeps moments,
 *       gradient and parameters on the Java heap (4 per parameter);</li>
 *   <li>training activations and their gradients for a batch, every model (conv and pooling outputs included),
 *       and the gathered batch itself;</li>
 *   <li>the activations of one evaluation batch of the largest model (models are evaluated one at a time);</li>
 *   <li>the dataset: training features (held twice while the validation rows are split off) and test features;</li>
 *   <li>the publishers' signal memories ({@code distill.temporalEnsemble}), on the heap.</li>
 * </ul>
 * Each part is filed under the config key that sizes it, so the biggest one can be named. Workspaces, DL4J's im2col
 * buffers and the JVM itself come on top: the estimate is a floor, meant to catch configs that cannot fit at all.
 */
public final class MemoryEstimate {
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

    public static MemoryEstimate of(RunConfig c) {
        DatasetInfo registered = DatasetRegistry.get(c.data().dataset());
        // a text dataset's examples are as long as the config says (validation filled data.maxLength in)
        DatasetInfo data = registered.isText() ? registered.withSequenceLength(c.data().maxLength()) : registered;
        long batch = c.training().batchSize();
        long train = examples(c.data().trainLimit(), data.trainExamples());
        long test = examples(c.data().testLimit(), data.testExamples());
        long validation = Math.min(c.data().validation(), train);
        long evalRows = Math.min(Evaluator.BATCH, Math.max(validation, test));
        Map<String, long[]> parts = new LinkedHashMap<>();
        long batchActivations = 0;
        long im2col = 0;
        String evalKey = null;
        long evalActivations = -1;
        List<String> keys = modelKeys(c.models());
        for (int i = 0; i < keys.size(); i++) {
            ModelSpec spec = c.models().all().get(i);
            long copies = c.distill().twins() && keys.get(i).startsWith("models.students") && !spec.learnsFromLabelsOnly() ? 2 : 1;
            long state = Optimizers.create(spec.optimizer(), 1).stateSize(1);
            Layers l = Layers.of(spec, data);
            String key = keys.get(i) + "." + l.key(2 + state, 2 * batch + evalRows);
            boolean fused = TrainingSteps.FUSED.equals(c.training().engine());
            boolean heapAdam = fused && ("mlp".equals(spec.family()) || "cnn".equals(spec.family()))
                    && "adam".equals(spec.optimizer().name());
            add(parts, key, copies * l.params() * (2 + state) * FLOAT, heapAdam ? copies * 4 * l.params() * FLOAT : 0);
            batchActivations += copies * l.activations();
            // the fused CNN step keeps each convolution's im2col matrix and, above the first, its gradient
            if (fused) im2col += copies * l.im2col();
            if (l.activations() > evalActivations) {
                evalActivations = l.activations();
                evalKey = key;
            }
        }
        add(parts, evalKey, evalRows * evalActivations * FLOAT, 0);
        add(parts, "training.batchSize", (2 * batch * batchActivations + batch * im2col + batch * (data.pixels() + data.numClasses())) * FLOAT, 0);
        add(parts, "data.trainLimit", train * data.pixels() * FLOAT * (validation > 0 ? 2 : 1), 0);
        add(parts, "data.testLimit", test * data.pixels() * FLOAT, 0);
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
    private static List<String> modelKeys(ModelsSpec m) {
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

    /** Parameter and activation counts (per example) of a model's conv stages and dense layers, head included. */
    private record Layers(long convParams, long convActivations, long denseParams, long denseActivations, long im2col) {
        static Layers of(ModelSpec spec, DatasetInfo data) {
            long convParams = 0;
            long convActivations = 0;
            long im2col = 0;
            long channels = data.channels();
            long height = data.height();
            long width = data.width();
            if ("cnn".equals(spec.family())) {
                for (ConvSpec cs : spec.conv()) {
                    long k = cs.kernel();
                    convParams += cs.filters() * channels * k * k + cs.filters();
                    height = height - k + 1;
                    width = width - k + 1;
                    convActivations += height * width * cs.filters();
                    im2col += channels * k * k * height * width * (im2col == 0 ? 1 : 2);
                    if (cs.pool() > 1) {
                        height /= cs.pool();
                        width /= cs.pool();
                        convActivations += height * width * cs.filters();
                    }
                    channels = cs.filters();
                }
            }
            long in = channels * height * width;
            long denseParams = 0;
            long denseActivations = 0;
            List<Integer> widths = new ArrayList<>(spec.hidden());
            widths.add(data.numClasses());
            for (int out : widths) {
                denseParams += in * out + out;
                denseActivations += out;
                in = out;
            }
            return new Layers(convParams, convActivations, denseParams, denseActivations, im2col);
        }

        long params() {
            return convParams + denseParams;
        }

        long activations() {
            return convActivations + denseActivations;
        }

        /** "conv" when the conv stages weigh more than the dense layers ({@code perParam}, {@code perActivation} floats each), else "hidden". */
        String key(long perParam, long perActivation) {
            long conv = convParams * perParam + convActivations * perActivation;
            long dense = denseParams * perParam + denseActivations * perActivation;
            return conv > dense ? "conv" : "hidden";
        }
    }
}
