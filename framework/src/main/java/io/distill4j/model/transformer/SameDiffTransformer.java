package io.distill4j.model.transformer;

import io.distill4j.loss.Term;
import io.distill4j.loss.TermKind;
import io.distill4j.model.Lesson;
import io.distill4j.model.TrainableModel;
import io.distill4j.signal.SignalKey;
import io.distill4j.signal.SignalKind;
import io.distill4j.optim.AdamRule;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A transformer encoder ({@link TransformerGraph}) trained with its own Adam: SameDiff computes the pass (forward and
 * backward in one call, the logits of that same training pass among its outputs, so a publisher's signal costs no
 * extra forward pass), this class owns the parameters' optimizer state and the dropout masks. Owning them keeps a
 * resume exact by construction: {@link #save} writes parameters, moments and the step count, and the masks are drawn
 * from (seed, step), so nothing hidden in SameDiff or ND4J's global generator can drift.
 *
 * <p>Adam is ND4J's rule (the fused MLP step's too): {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)}, run on the Java heap where HotSpot vectorises it.
 */
public final class SameDiffTransformer implements TrainableModel {
    private static final String STATE_FORMAT = "distill4j-transformer-state";
    private static final int STATE_VERSION = 1;
    /** Rows per inference pass of {@link #inferenceRows}: attention holds [rows, heads, L, L] floats (and SameDiff copies). */
    public static final int INFERENCE_CHUNK = 64;

    private final TransformerSpec spec;
    private final Distillation distillation;
    private final TransformerGraph graph;
    /** Signals kept from each training pass besides the logits ({@link #capture}), and their copies from the last pass. */
    private final Map<SignalKey, INDArray> captured = new java.util.LinkedHashMap<>();
    private final Map<String, Double> termValues = new java.util.LinkedHashMap<>();
    /** The graph's signal placeholders by name, with the signal each is fed (fixed by the terms). */
    private final Map<String, SignalKey> signalPlaceholders = new java.util.LinkedHashMap<>();
    /** Zero-valued signals fed to a labels-only step (burn-in), by placeholder, for the last batch size. */
    private Map<String, INDArray> silentSignals;
    private long silentRows = -1;
    private final List<Parameter> parameters = new ArrayList<>();
    private final Random random;
    private long iterations;
    private long forwardPasses;
    private INDArray trainingLogits;
    /** The gathered embedding rows' gradient on the heap, reused across steps of one batch size. */
    private float[] rowGradient;
    private Runnable onForward;
    private Map<String, INDArray> inferenceMasks;
    private long inferenceRows = -1;

    /** One trainable variable with its heap copy (the copy of record between steps) and Adam's moments. */
    private static final class Parameter {
        final String name;
        final INDArray array;
        final float[] p;
        final float[] m;
        final float[] v;
        final float[] g;

        Parameter(String name, INDArray array) {
            this.name = name;
            this.array = array;
            int n = Math.toIntExact(array.length());
            p = new float[n];
            m = new float[n];
            v = new float[n];
            g = new float[n];
            pointer(array).get(p, 0, n);
        }

        void write() {
            pointer(array).put(p, 0, p.length);
        }
    }

    public SameDiffTransformer(TransformerSpec spec) {
        this(spec, Distillation.logits(spec.temperature()), true);
    }

    /** A model whose training loss is {@code distillation}'s terms (and which carries its auxiliary layer, if any). */
    public SameDiffTransformer(TransformerSpec spec, Distillation distillation) {
        this(spec, distillation, true);
    }

    /** {@code pooled}: training passes reuse their arrays ({@link ArrayPool}); false only to test that this changes nothing. */
    SameDiffTransformer(TransformerSpec spec, boolean pooled) {
        this(spec, Distillation.logits(spec.temperature()), pooled);
    }

    SameDiffTransformer(TransformerSpec spec, Distillation distillation, boolean pooled) {
        this.spec = spec;
        this.distillation = distillation;
        for (Term t : distillation.terms()) {
            for (SignalKey k : SignalKey.readBy(t)) signalPlaceholders.put(TransformerGraph.signalName(k.kind(), k.layer()), k);
        }
        this.graph = TransformerGraph.build(spec, DataType.FLOAT, distillation);
        for (String name : graph.parameters()) parameters.add(new Parameter(name, graph.sameDiff().getVariable(name).getArr()));
        this.random = Nd4j.getRandomFactory().getNewRandomInstance(spec.seed());
        createGradientGraph(graph);
        if (pooled) graph.poolTrainingMemory();
    }

    /**
     * Builds the backward graph now rather than at the first step: M2.1's SameDiff prints a line per op to standard out
     * while it does ("Added differentiated op ..."), which would land in the user's terminal and run log. Models are built
     * on one thread before training starts, so standard out is quiet for exactly that call.
     */
    private static void createGradientGraph(TransformerGraph graph) {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            graph.sameDiff().createGradFunction();
        } finally {
            System.setOut(out);
        }
    }

    public TransformerSpec spec() {
        return spec;
    }

    /** The graph, for its outputs by name ({@link TransformerGraph#attention(int)} and the like). */
    public TransformerGraph graph() {
        return graph;
    }

    private static FloatPointer pointer(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.ordering() != 'c' || a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("expected a dense FLOAT array, got " + a.dataType() + " " + a.ordering());
        }
        return new FloatPointer(a.data().addressPointer()).position(a.offset());
    }

    /** Labels and soft logits weighted {@code 1 - alpha} and {@code alpha} (a model built with those two terms). */
    @Override
    public double fit(INDArray features, INDArray oneHot, INDArray targets, double alpha) {
        if (targets == null) return fit(features, oneHot, Lesson.labelsOnly());
        if (!distillation.has(TermKind.LOGITS)) throw new IllegalStateException("this model's loss has no logits term");
        double[] w = new double[distillation.terms().size()];
        for (int i = 0; i < w.length; i++) {
            TermKind kind = distillation.terms().get(i).kind();
            w[i] = kind == TermKind.LOGITS ? alpha : kind == TermKind.LABELS ? 1 - alpha : 0;
        }
        return fit(features, oneHot, new Lesson(distillation.terms(), w, Map.of(SignalKey.LOGITS, targets)));
    }

    /**
     * One training pass with {@code lesson}'s term weights and signals. A labels-only lesson (burn-in, a publisher's warm
     * start) feeds weight 1 to the labels term, 0 to the others and zeros for their signals, which their losses turn
     * into exact zeros: one graph serves every phase.
     */
    @Override
    public double fit(INDArray features, INDArray oneHot, Lesson lesson) {
        Map<String, INDArray> ph = placeholders(features, trainingMasks(features.size(0)));
        ph.put(TransformerGraph.ONE_HOT, oneHot.castTo(DataType.FLOAT));
        List<Term> terms = distillation.terms();
        boolean labelsOnly = lesson.isLabelsOnly();
        if (!labelsOnly && lesson.terms().size() != terms.size()) {
            throw new IllegalArgumentException("a lesson of " + lesson.terms().size() + " terms for a model of " + terms.size());
        }
        boolean labelsSeen = false;
        for (int i = 0; i < terms.size(); i++) {
            double w;
            if (labelsOnly) {
                w = terms.get(i).kind() == TermKind.LABELS && !labelsSeen ? 1 : 0;
                labelsSeen |= w == 1;
            } else {
                w = lesson.weights()[i];
            }
            ph.put(TransformerGraph.weight(i), Nd4j.scalar(DataType.FLOAT, w));
        }
        if (labelsOnly && !labelsSeen) throw new IllegalStateException("a labels-only step for a model without a labels term");
        feedSignals(ph, lesson, features.size(0));
        List<String> outputs = new ArrayList<>(List.of(TransformerGraph.LOGITS, TransformerGraph.LOSS));
        for (int i = 0; i < terms.size(); i++) outputs.add(TransformerGraph.term(i));
        for (SignalKey k : captured.keySet()) outputs.add(TransformerGraph.output(k.kind(), k.layer()));
        TransformerGraph.Pass pass = graph.pass(ph, outputs);
        forwardPasses++;
        trainingLogits = pass.outputs().get(TransformerGraph.LOGITS).dup();
        for (Map.Entry<SignalKey, INDArray> e : captured.entrySet()) {
            INDArray source = pass.outputs().get(TransformerGraph.output(e.getKey().kind(), e.getKey().layer()));
            e.setValue(e.getValue() != null && e.getValue().equalShapes(source) ? e.getValue().assign(source) : source.dup());
        }
        termValues.clear();
        for (int i = 0; i < terms.size(); i++) {
            // a labels-only step's other terms compare against zeros: values that mean nothing, so none are reported
            if (!labelsOnly || terms.get(i).kind() == TermKind.LABELS) {
                termValues.put(terms.get(i).label(), pass.outputs().get(TransformerGraph.term(i)).getDouble(0));
            }
        }
        double loss = pass.outputs().get(TransformerGraph.LOSS).getDouble(0);
        // SameDiff runs forward and backward in one call, so learners waiting for this model's signal start here,
        // after its backward pass but before its update
        Runnable hook = onForward;
        if (hook != null) hook.run();
        update(pass.gradients(), ph.get(TransformerGraph.IDS));
        iterations++;
        return loss;
    }

    /** Every signal placeholder: the lesson's signals, or zeros of the publisher's shapes for a labels-only step. */
    private void feedSignals(Map<String, INDArray> ph, Lesson lesson, long batch) {
        Map<String, SignalKey> needed = signalPlaceholders;
        if (needed.isEmpty()) return;
        if (lesson.isLabelsOnly()) {
            if (batch != silentRows) {
                silentSignals = new HashMap<>();
                for (Map.Entry<String, SignalKey> e : needed.entrySet()) silentSignals.put(e.getKey(), Nd4j.zeros(DataType.FLOAT, signalShape(e.getValue(), batch)));
                silentRows = batch;
            }
            ph.putAll(silentSignals);
        } else {
            for (Map.Entry<String, SignalKey> e : needed.entrySet()) ph.put(e.getKey(), lesson.signal(e.getValue()).castTo(DataType.FLOAT));
        }
    }

    private long[] signalShape(SignalKey k, long batch) {
        return switch (k.kind()) {
            case LOGITS -> new long[]{batch, spec.classes()};
            case ATTENTION -> new long[]{batch, distillation.publisherHeads(), spec.maxLength(), spec.maxLength()};
            default -> new long[]{batch * spec.maxLength(), distillation.publisherWidth()};
        };
    }

    @Override
    public Map<String, Double> termValues() {
        return termValues.size() < 2 ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(termValues));
    }

    @Override
    public void capture(Set<SignalKey> wanted) {
        captured.clear();
        for (SignalKey k : wanted) {
            if (SignalKey.LOGITS.equals(k)) continue;
            if (k.layer() < 0 || k.layer() >= spec.layers()) {
                throw new IllegalArgumentException("no layer " + k.layer() + " to send " + k + " from: the model has " + spec.layers());
            }
            captured.put(k, null);
        }
    }

    @Override
    public INDArray trainingSignal(SignalKey key) {
        if (SignalKey.LOGITS.equals(key)) return trainingLogits();
        INDArray values = captured.get(key);
        if (values == null) throw new IllegalStateException("not captured (or no training pass yet): " + key);
        return values;
    }

    private void update(Map<String, INDArray> gradients, INDArray ids) {
        float step = AdamRule.correctedStep(spec.learningRate(), spec.beta1(), spec.beta2(), spec.epsilon(), iterations + 1);
        for (Parameter q : parameters) {
            if (q.name.equals(TransformerGraph.TOKENS)) {
                tokenGradient(gradients.get(TransformerGraph.EMBED_ROWS), ids, q.g);
            } else {
                copy(gradients.get(q.name), q.name, q.g);
            }
            AdamRule.update(q.p, q.m, q.v, q.g, 0, q.p.length, (float) spec.beta1(), (float) spec.beta2(), (float) spec.epsilon(), step);
            q.write();
        }
    }

    /**
     * The tokens' gradient, added up on the heap from the gathered rows' straight into {@code into} (M2.1's gather
     * gradient is wrong: TransformerGraph.embed).
     */
    private void tokenGradient(INDArray rows, INDArray ids, float[] into) {
        if (rowGradient == null || rowGradient.length != rows.length()) rowGradient = new float[Math.toIntExact(rows.length())];
        copy(rows, TransformerGraph.EMBED_ROWS, rowGradient);
        java.util.Arrays.fill(into, 0f);
        TransformerGraph.addRowsById(ids.reshape(ids.length()).toFloatVector(), rowGradient, spec.hidden(), into);
    }

    private static void copy(INDArray grad, String name, float[] into) {
        if (grad == null) throw new IllegalStateException("no gradient for " + name);
        INDArray dense = grad.dataType() == DataType.FLOAT && grad.ordering() == 'c' && grad.elementWiseStride() == 1
                ? grad : grad.castTo(DataType.FLOAT).dup('c');
        pointer(dense).get(into, 0, into.length);
    }

    /** Inverted-dropout masks for this step, drawn from (seed, step) so that a resumed run draws the same ones. */
    private Map<String, INDArray> trainingMasks(long batch) {
        if (spec.dropout() == 0) return inferenceMasks(batch);
        Map<String, INDArray> masks = new HashMap<>();
        double retain = 1 - spec.dropout();
        random.setSeed(spec.seed() * 0x9E3779B97F4A7C15L + iterations);
        for (String site : TransformerGraph.dropoutSites(spec.layers())) {
            INDArray mask = Nd4j.createUninitialized(DataType.FLOAT, batch * spec.maxLength(), spec.hidden());
            Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, retain), random);
            masks.put(site, mask.divi(retain));
        }
        return masks;
    }

    private Map<String, INDArray> inferenceMasks(long batch) {
        if (batch != inferenceRows) {
            inferenceMasks = new HashMap<>();
            INDArray ones = Nd4j.ones(DataType.FLOAT, batch * spec.maxLength(), spec.hidden());
            for (String site : TransformerGraph.dropoutSites(spec.layers())) inferenceMasks.put(site, ones);
            inferenceRows = batch;
        }
        return inferenceMasks;
    }

    private Map<String, INDArray> placeholders(INDArray features, Map<String, INDArray> masks) {
        if (features.rank() != 2 || features.size(1) != spec.maxLength()) {
            throw new IllegalArgumentException("expected token ids [batch, " + spec.maxLength() + "], got " + java.util.Arrays.toString(features.shape()));
        }
        Map<String, INDArray> ph = new HashMap<>(masks);
        ph.put(TransformerGraph.IDS, features.castTo(DataType.FLOAT));
        return ph;
    }

    @Override
    public INDArray trainingLogits() {
        if (trainingLogits == null) throw new IllegalStateException("no training forward pass yet");
        return trainingLogits;
    }

    @Override
    public INDArray inferenceLogits(INDArray features) {
        forwardPasses++;
        return outputs(features, TransformerGraph.LOGITS).get(TransformerGraph.LOGITS);
    }

    /** Evaluation: inference logits in chunks of {@link #INFERENCE_CHUNK} rows, copied out as plain rows. */
    @Override
    public float[][] inferenceRows(INDArray features) {
        int n = (int) features.size(0);
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += INFERENCE_CHUNK) {
            int end = Math.min(n, start + INFERENCE_CHUNK);
            float[][] rows = io.distill4j.step.Logits.rows(outputs(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup(), TransformerGraph.LOGITS).get(TransformerGraph.LOGITS));
            System.arraycopy(rows, 0, out, start, rows.length);
        }
        return out;
    }

    /** Inference-mode (no dropout) outputs by name, e.g. the logits and each layer's attention probabilities. */
    public Map<String, INDArray> outputs(INDArray features, String... names) {
        return graph.sameDiff().output(placeholders(features, inferenceMasks(features.size(0))), names);
    }

    @Override
    public void onForward(Runnable hook) {
        this.onForward = hook;
    }

    @Override
    public long forwardPasses() {
        return forwardPasses;
    }

    @Override
    public void settle() {
        // updates run on the caller's thread: nothing pending
    }

    @Override
    public long parameterCount() {
        return spec.parameters();
    }

    @Override
    public long iterations() {
        return iterations;
    }

    /** Its graph, arrays, optimizer state and dropout generator are its own: models fit on both cores at once. */
    @Override
    public boolean fitsConcurrently() {
        return true;
    }

    @Override
    public String engine() {
        return "samediff";
    }

    @Override
    public void save(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeUTF(STATE_FORMAT);
        data.writeInt(STATE_VERSION);
        data.writeLong(iterations);
        data.writeLong(forwardPasses);
        data.writeInt(parameters.size());
        for (Parameter q : parameters) {
            data.writeUTF(q.name);
            data.writeInt(q.p.length);
            Floats.write(data, q.p);
            Floats.write(data, q.m);
            Floats.write(data, q.v);
        }
        data.flush();
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (!STATE_FORMAT.equals(data.readUTF())) throw new IllegalArgumentException("not a transformer's training state");
        int version = data.readInt();
        if (version != STATE_VERSION) throw new IllegalArgumentException("transformer state version " + version + ", expected " + STATE_VERSION);
        long savedIterations = data.readLong();
        long savedPasses = data.readLong();
        int count = data.readInt();
        if (count != parameters.size()) {
            throw new IllegalArgumentException("the saved model has " + count + " parameter arrays, this one " + parameters.size());
        }
        for (Parameter q : parameters) {
            String name = data.readUTF();
            int length = data.readInt();
            if (!name.equals(q.name) || length != q.p.length) {
                throw new IllegalArgumentException("the saved model's " + name + " (" + length + " values) does not fit this one's "
                        + q.name + " (" + q.p.length + ")");
            }
            Floats.read(data, q.p);
            Floats.read(data, q.m);
            Floats.read(data, q.v);
            q.write();
        }
        iterations = savedIterations;
        forwardPasses = savedPasses;
    }

    @Override
    public void export(OutputStream out, Map<String, byte[]> entries) throws IOException {
        TransformerZip.write(this, entries, out);
    }

    /**
     * The current parameter values by name, in the graph's order (for export): the deployable model's, without what
     * exists only in training (the auxiliary layer, projections).
     */
    Map<String, float[]> parameterValues() {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (Parameter q : parameters) if (!TransformerGraph.trainingOnly(q.name)) out.put(q.name, q.p.clone());
        return out;
    }

    /**
     * Starts from a saved model's weights (a zip {@link #export} wrote): the architecture must be this one's; what exists
     * only in training keeps its fresh initial values.
     */
    @Override
    public void initialise(InputStream zip) throws IOException {
        // the architecture is compared before any parameter is read: a file never allocates more than this model holds
        TransformerZip.Saved saved = TransformerZip.readSaved(zip, TransformerZip.STREAM, spec);
        try {
            setParameterValues(saved.parameters());
        } catch (IllegalArgumentException e) {
            throw new io.distill4j.model.ModelFileException(TransformerZip.STREAM, TransformerZip.PARAMETERS, e.getMessage());
        }
    }

    /** Sets parameter values (an exported model's), leaving the optimizer state as it is. */
    void setParameterValues(Map<String, float[]> values) {
        for (Parameter q : parameters) {
            if (TransformerGraph.trainingOnly(q.name)) continue;
            float[] v = values.get(q.name);
            if (v == null || v.length != q.p.length) throw new IllegalArgumentException("missing or misshapen parameter " + q.name);
            System.arraycopy(v, 0, q.p, 0, v.length);
            q.write();
        }
    }
}
