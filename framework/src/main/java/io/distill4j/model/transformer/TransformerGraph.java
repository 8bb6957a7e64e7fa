package io.distill4j.model.transformer;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import io.distill4j.loss.Term;
import io.distill4j.signal.SignalKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds one transformer encoder as a SameDiff graph, block by block; each block is a static method so that a test can
 * check its gradient alone. Activations between blocks are 2-D, {@code [batch * maxLength, hidden]}, so that every
 * projection is one plain {@code mmul}; attention alone goes 4-D ({@code [batch, heads, length, headSize]}).
 *
 * <p>Written around M2.1's bugs (see DL4J-NOTES): attention from {@code mmul} and {@code softmax} (the built-in
 * attention op passes no gradient through its weights output), log-softmax as {@code x - max - log(sum(exp(x - max)))}
 * ({@code logSoftmax(x, dim)} breaks training), no {@code tensorMmul}/{@code batchMmul}. Dropout is a multiplication by
 * a mask placeholder (SameDiff's dropout has no inference switch): the model feeds Bernoulli masks in training, ones at
 * inference.
 *
 * <p>Placeholders: {@code ids} [batch, maxLength] (token ids as floats, PAD = 0), {@code onehot} [batch, classes], one
 * dropout mask per site ({@link #dropoutSites}), one weight per loss term ({@link #weight}) and one per publisher signal
 * a term reads ({@link #signalName}: {@code targets} [batch, classes] for logits). Outputs: {@code logits}, {@code loss},
 * each term's value ({@link #term}), and per layer the signals a publisher sends: attention probabilities
 * {@code attn_<layer>} [batch, heads, length, length], hidden states {@code hidden_<layer>} and the query, key and value
 * projections {@code q_/k_/v_<layer>}, each [batch * length, hidden].
 */
public final class TransformerGraph {
    public static final String IDS = "ids";
    public static final String ONE_HOT = "onehot";
    /** The publisher's logits placeholder (the {@code logits} signal). */
    public static final String TARGETS = "targets";
    /** Prefix of the parameters that exist only in training (ALD's auxiliary layer, hidden terms' projections): never exported. */
    static final String AUXILIARY = "aux_";
    static final String PROJECTION = "proj_";
    public static final String LOGITS = "logits";
    public static final String LOSS = "loss";
    public static final String TOKENS = "tokens";
    public static final String EMBED_ROWS = "embed_rows";
    private static final double LN_EPSILON = 1e-5;
    /** The name under which SameDiff keeps the graph's gradient function. */
    private static final String GRADIENT_FUNCTION = "grad";
    /** Added to the scores of padding keys: exp underflows to exactly 0 in float and double. */
    private static final double MASKED = -1e9;

    /**
     * The fitting thread's pool of training-pass arrays, shared by every model fitted on that thread: their passes run
     * one after another, and a model and its twin have the same shapes, so one set of arrays serves both.
     */
    private static final ThreadLocal<ArrayPool> POOL = ThreadLocal.withInitial(ArrayPool::new);

    private final SameDiff sd;
    private final List<String> parameters;
    /** Threads whose gradient session uses {@link #POOL}; null until {@link #poolTrainingMemory}. */
    private Set<Long> pooledThreads;

    private TransformerGraph(SameDiff sd, List<String> parameters) {
        this.sd = sd;
        this.parameters = parameters;
    }

    public SameDiff sameDiff() {
        return sd;
    }

    /** The trainable variables, in a fixed order (the order of checkpoints and exports). */
    public List<String> parameters() {
        return parameters;
    }

    /** Attention-probability output of layer {@code layer}. */
    public static String attention(int layer) {
        return "attn_" + layer;
    }

    /** The dropout mask placeholders, each [batch * maxLength, hidden]: the embeddings, then per layer attention and FFN outputs. */
    public static List<String> dropoutSites(int layers) {
        List<String> out = new ArrayList<>();
        out.add("drop_embed");
        for (int i = 0; i < layers; i++) {
            out.add("drop_attn_" + i);
            out.add("drop_ffn_" + i);
        }
        return out;
    }

    /** The whole model in {@code type} with labels and soft logits at the spec's temperature (the loss before terms existed). */
    public static TransformerGraph build(TransformerSpec spec, DataType type) {
        return build(spec, type, Distillation.logits(spec.temperature()));
    }

    /**
     * The whole model in {@code type} (FLOAT to train, DOUBLE for gradient checks), weights drawn from {@code spec.seed()},
     * its loss the weighted sum of {@code distillation}'s terms. Parameters that exist only for training (the auxiliary
     * layer, projections) are created after every real one, so a model's real weights start the same with or without
     * them (a student and its scratch twin).
     */
    public static TransformerGraph build(TransformerSpec spec, DataType type, Distillation distillation) {
        SameDiff sd = SameDiff.create();
        Params p = new Params(sd, type, spec.seed());
        int h = spec.hidden();
        int length = spec.maxLength();
        SDVariable ids = sd.placeHolder(IDS, type, -1, length);
        SDVariable keep = ids.neq(0.0).castTo(type);                                  // [B, L]: 1 for tokens, 0 for PAD
        SDVariable x = embed(sd, ids, p.normal(TOKENS, 0.02, spec.vocabSize(), h), p.normal("positions", 0.02, length, h), length);
        x = x.mul(sd.placeHolder("drop_embed", type, -1, h));
        for (int i = 0; i < spec.layers(); i++) {
            String n = "l" + i + "_";
            Attention a = new Attention(p.linear(n + "q", h, h), p.linear(n + "k", h, h), p.linear(n + "v", h, h), p.linear(n + "o", h, h));
            SDVariable[] ln1 = p.layerNorm(n + "ln1", h);
            SDVariable[] ln2 = p.layerNorm(n + "ln2", h);
            SDVariable[] ff1 = p.linear(n + "ff1", h, spec.ffn());
            SDVariable[] ff2 = p.linear(n + "ff2", spec.ffn(), h);
            SDVariable dropAttn = sd.placeHolder("drop_attn_" + i, type, -1, h);
            SDVariable dropFfn = sd.placeHolder("drop_ffn_" + i, type, -1, h);
            if (spec.preNorm()) {
                x = x.add(attention(sd, layerNorm(x, ln1), keep, a, spec.heads(), length, i).mul(dropAttn));
                x = x.add(hidden(i), feedForward(layerNorm(x, ln2), ff1, ff2).mul(dropFfn));
            } else {
                x = layerNorm(x.add(attention(sd, x, keep, a, spec.heads(), length, i).mul(dropAttn)), ln1);
                x = sd.identity(hidden(i), layerNorm(x.add(feedForward(x, ff1, ff2).mul(dropFfn)), ln2));
            }
        }
        SDVariable top = x;
        if (spec.preNorm()) x = layerNorm(x, p.layerNorm("final", h));
        SDVariable pooled = "cls".equals(spec.pooling()) ? clsPool(x, length, h) : meanPool(x, keep, length, h);
        SDVariable[] classifier = p.linear("classifier", h, spec.classes());
        SDVariable logits = pooled.mmul(classifier[0]).add(LOGITS, classifier[1]);
        if (distillation.ald()) auxiliaryLayer(sd, p, top, keep, spec, distillation.auxiliaryValues(spec.layers()));
        loss(sd, p, spec, distillation, logits, keep);
        sd.setLossVariables(LOSS);
        return new TransformerGraph(sd, p.names);
    }

    /**
     * Auxiliary Layer Distillation (ERNIE 3.0 Titan): one more layer's attention on top of the last real layer, index
     * {@code layers}, where attention-type terms bind. Only what its attention distributions need is built (LayerNorm for a
     * pre-norm model, queries and keys; values when a relations term reads them): the logits never pass through it, so
     * dropping it for export changes no prediction, while the terms' gradient reaches the last real layer's feed-forward.
     */
    static void auxiliaryLayer(SameDiff sd, Params p, SDVariable top, SDVariable keep, TransformerSpec spec, boolean values) {
        int h = spec.hidden();
        int l = spec.layers();
        SDVariable in = spec.preNorm() ? layerNorm(top, p.layerNorm(AUXILIARY + "ln1", h)) : top;
        SDVariable[] q = p.linear(AUXILIARY + "q", h, h);
        SDVariable[] k = p.linear(AUXILIARY + "k", h, h);
        SDVariable query = in.mmul(q[0]).add(queries(l), q[1]);
        SDVariable key = in.mmul(k[0]).add(keys(l), k[1]);
        if (values) {
            SDVariable[] v = p.linear(AUXILIARY + "v", h, h);
            in.mmul(v[0]).add(values(l), v[1]);
        }
        probabilities(sd, query, key, keep, spec.heads(), spec.maxLength(), h, attention(l));
    }

    /** Each term's (unweighted) value, named {@link #term(int)}, and their sum weighted by placeholders {@link #weight(int)}. */
    private static void loss(SameDiff sd, Params p, TransformerSpec spec, Distillation d, SDVariable logits, SDVariable keep) {
        DataType type = logits.dataType();
        int length = spec.maxLength();
        SDVariable total = null;
        for (int i = 0; i < d.terms().size(); i++) {
            Term t = d.terms().get(i);
            String name = term(i);
            SDVariable value = switch (t.kind()) {
                case LABELS -> sd.identity(name, crossEntropy(logits, placeholder(sd, ONE_HOT, type, spec.classes())));
                case LOGITS -> sd.identity(name, logitKl(sd, logits, placeholder(sd, TARGETS, type, spec.classes()), t.temperature()));
                case ATTENTION -> attentionKl(sd, name, signal(sd, SignalKind.ATTENTION, t.teacherLayer(), type, d, length),
                        sd.getVariable(attention(t.studentLayer())), keep, spec.heads(), length);
                case RELATIONS -> relationKl(sd, name, t, d, keep, length, spec.hidden(), type);
                case HIDDEN -> hiddenMse(sd, name, signal(sd, SignalKind.HIDDEN, t.teacherLayer(), type, d, length),
                        sd.getVariable(hidden(t.studentLayer())),
                        p.normal(PROJECTION + i, Math.sqrt(2.0 / (spec.hidden() + d.publisherWidth())), spec.hidden(), d.publisherWidth()), keep);
            };
            SDVariable weighted = value.mul(sd.placeHolder(weight(i), type));
            total = total == null ? weighted : total.add(weighted);
        }
        sd.identity(LOSS, total);
    }

    /**
     * The [batch, width] placeholder {@code name}, created once: a loss may hold two terms of one kind (two logits terms at
     * different temperatures), and M2.1's second {@code placeHolder} of a name silently replaces the first variable, which
     * cuts the first term (and the loss) out of the graph: its outputs come back missing.
     */
    private static SDVariable placeholder(SameDiff sd, String name, DataType type, long width) {
        return sd.hasVariable(name) ? sd.getVariable(name) : sd.placeHolder(name, type, -1, width);
    }

    /** MiniLMv2: the mean of the query-query, key-key and value-value relation KLs, over {@code relationHeads} heads. */
    private static SDVariable relationKl(SameDiff sd, String name, Term t, Distillation d, SDVariable keep, int length, long width,
                                         DataType type) {
        int r = t.relationHeads();
        SDVariable sum = null;
        SignalKind[] kinds = {SignalKind.QUERIES, SignalKind.KEYS, SignalKind.VALUES};
        String[] own = {queries(t.studentLayer()), keys(t.studentLayer()), values(t.studentLayer())};
        for (int j = 0; j < 3; j++) {
            SDVariable teacher = selfRelation(sd, signal(sd, kinds[j], t.teacherLayer(), type, d, length), d.publisherWidth(), keep, r, length);
            SDVariable student = selfRelation(sd, sd.getVariable(own[j]), width, keep, r, length);
            SDVariable kl = attentionKl(sd, name + "_" + j, teacher, student, keep, r, length);
            sum = sum == null ? kl : sum.add(kl);
        }
        return sum.div(name, 3.0);
    }

    /** The placeholder of one publisher signal (created once: several terms may read it). */
    private static SDVariable signal(SameDiff sd, SignalKind kind, int layer, DataType type, Distillation d, int length) {
        String name = signalName(kind, layer);
        if (sd.hasVariable(name)) return sd.getVariable(name);
        return kind == SignalKind.ATTENTION ? sd.placeHolder(name, type, -1, d.publisherHeads(), length, length)
                : sd.placeHolder(name, type, -1, d.publisherWidth());
    }

    /** The placeholder name of a publisher's signal ({@code logits}: {@link #TARGETS}). */
    public static String signalName(SignalKind kind, int layer) {
        return kind == SignalKind.LOGITS ? TARGETS : "sig_" + kind.name().toLowerCase(java.util.Locale.ROOT) + "_" + layer;
    }

    /** The graph output a publisher reads a signal from. */
    public static String output(SignalKind kind, int layer) {
        return switch (kind) {
            case LOGITS -> LOGITS;
            case ATTENTION -> attention(layer);
            case HIDDEN -> hidden(layer);
            case QUERIES -> queries(layer);
            case KEYS -> keys(layer);
            case VALUES -> values(layer);
        };
    }

    /** The unweighted value of term {@code i}. */
    public static String term(int i) {
        return "term_" + i;
    }

    /** The weight placeholder of term {@code i}. */
    public static String weight(int i) {
        return "w_" + i;
    }

    /** Layer {@code l}'s output [B * L, H]. */
    public static String hidden(int l) {
        return "hidden_" + l;
    }

    /** Layer {@code l}'s query projection [B * L, H] (before the split into heads and the scale). */
    public static String queries(int l) {
        return "q_" + l;
    }

    public static String keys(int l) {
        return "k_" + l;
    }

    public static String values(int l) {
        return "v_" + l;
    }

    /** Whether parameter {@code name} exists only in training (never exported, never read from a saved model). */
    public static boolean trainingOnly(String name) {
        return name.startsWith(AUXILIARY) || name.startsWith(PROJECTION);
    }

    /**
     * Token embedding rows (a gather by id, named {@link #EMBED_ROWS}) plus the learned position embedding: [B * L, H].
     * M2.1's gather backprop does not add up the rows of a repeated id (TransformerGraphTest pins it), so the tokens'
     * gradient is added up from the gradient of the gathered rows ({@link #addRowsById}, checked against
     * {@link #tokenGradient}), never SameDiff's.
     */
    static SDVariable embed(SameDiff sd, SDVariable ids, SDVariable tokens, SDVariable positions, int length) {
        long h = tokens.getShape()[1];
        SDVariable rows = sd.gather(EMBED_ROWS, tokens, ids.castTo(DataType.INT).reshape(-1), 0);    // [B * L, H]
        return rows.reshape(-1, length, h).add(positions).reshape(-1, h);
    }

    /** d(loss)/d(tokens): the gathered rows' gradient added up per id (a native scatter-add; the model uses {@link #addRowsById}). */
    static INDArray tokenGradient(INDArray ids, INDArray rowGradient, long vocabSize) {
        INDArray zeros = Nd4j.zeros(rowGradient.dataType(), vocabSize, rowGradient.size(1));
        return Nd4j.exec(new ScatterAdd(zeros, ids.reshape(-1).castTo(DataType.INT), rowGradient))[0];
    }

    /**
     * Adds row {@code r} of {@code rows} [n, h] to row {@code ids[r]} of {@code into} [vocab, h], in row order: the
     * tokens' gradient straight into the optimizer's heap buffer, with no [vocab, h] array allocated, zeroed, scattered
     * and copied per step as {@link #tokenGradient} needs. {@code into} must be zeroed first.
     */
    static void addRowsById(float[] ids, float[] rows, int h, float[] into) {
        for (int r = 0; r < ids.length; r++) {
            int to = (int) ids[r] * h;
            int from = r * h;
            for (int j = 0; j < h; j++) into[to + j] += rows[from + j];
        }
    }

    /**
     * One training pass's outputs, and the loss gradient of every parameter (by name) except the tokens', which is
     * given as the gradient of the gathered rows, {@link #EMBED_ROWS} [batch * maxLength, hidden]: add it up per id
     * with {@link #addRowsById} or {@link #tokenGradient}.
     */
    public record Pass(Map<String, INDArray> outputs, Map<String, INDArray> gradients) {
    }

    /**
     * Forward and backward with {@code placeholders}: the named {@code outputs} and the gradients of {@link Pass}. The
     * arrays returned are valid until the next pass (they come from its array cache, or with {@link #poolTrainingMemory}
     * its thread's pool): copy what must live longer.
     *
     * <p>This runs SameDiff's gradient function directly, which is what {@code calculateGradientsAndOutputs} does, less
     * one thing: M2.1's method turns the gradient function's array cache off, so every intermediate array of every step
     * (1.2 GB for a 2-layer, 256-token, batch-32 encoder) waited for the garbage collector and each step faulted in
     * fresh memory. With the cache on, a step reuses the last step's arrays: 1.6x faster, with bitwise the same results
     * (TransformerGraphTest compares the two).
     */
    public Pass pass(Map<String, INDArray> placeholders, List<String> outputs) {
        SameDiff gradients = gradientFunction();
        if (pooledThreads != null) pool(gradients).reclaim();
        List<String> wanted = new ArrayList<>(outputs);
        for (String p : differentiated()) wanted.add(sd.getVariable(p).getGradient().name());
        Map<String, INDArray> result = gradients.output(placeholders, wanted.toArray(new String[0]));
        Map<String, INDArray> out = new HashMap<>();
        for (String o : outputs) out.put(o, result.get(o));
        Map<String, INDArray> grads = new HashMap<>();
        for (String p : differentiated()) grads.put(p, result.get(sd.getVariable(p).getGradient().name()));
        return new Pass(out, grads);
    }

    /**
     * From now on, training passes reuse their arrays ({@link ArrayPool}) rather than M2.1's array cache: each
     * {@link #pass} takes back what the previous pass on its thread (of this model or another) returned, so a pass's
     * outputs and gradients must be consumed or copied before the next pass on the thread.
     */
    void poolTrainingMemory() {
        pooledThreads = ConcurrentHashMap.newKeySet();
    }

    /** The calling thread's pool, installed in the gradient function's session for this thread on first use. */
    private ArrayPool pool(SameDiff gradients) {
        ArrayPool pool = POOL.get();
        long thread = Thread.currentThread().getId();
        if (pooledThreads.add(thread)) gradients.getSessions().computeIfAbsent(thread, t -> new InferenceSession(gradients)).setMmgr(pool);
        return pool;
    }

    /** The parameters whose gradient SameDiff computes: all but the tokens, plus the gathered embedding rows. */
    private List<String> differentiated() {
        List<String> wanted = new ArrayList<>(parameters);
        wanted.remove(TOKENS);
        wanted.add(EMBED_ROWS);
        return wanted;
    }

    /** SameDiff's gradient function (built on first use) with its array cache on. */
    SameDiff gradientFunction() {
        if (sd.getFunction(GRADIENT_FUNCTION) == null) sd.createGradFunction();
        SameDiff gradients = sd.getFunction(GRADIENT_FUNCTION);
        gradients.setEnableCache(true);
        return gradients;
    }

    /** One attention sub-layer's projections: weight and bias each. */
    record Attention(SDVariable[] q, SDVariable[] k, SDVariable[] v, SDVariable[] o) {
    }

    /**
     * Multi-head self-attention of {@code x} [B * L, H] with padding keys masked out; the probabilities are named
     * {@code probsName} (the attention signal). Returns the output projection, [B * L, H].
     *
     * <p>The scores {@code q k^T / sqrt(d) + bias} come out of one product, with nothing applied to the [B, heads, L, L]
     * tensor before the softmax: the scale goes on {@code q} (L / d times smaller), and the padding bias rides in the product
     * as an extra column, 1 in every query and the key's bias (0 for a token, -1e9 for PAD) in every key. A separate add
     * on the scores cost a pass forward and, in backward, a pass plus a reduction for the bias's gradient that nothing
     * uses. For a token key the extra term adds exactly 0, so its scores are unchanged.
     */
    static SDVariable attention(SameDiff sd, SDVariable x, SDVariable keep, Attention a, int heads, int length, int layer) {
        long h = a.q[0].getShape()[1];
        SDVariable probs = probabilities(sd, x.mmul(a.q[0]).add(queries(layer), a.q[1]), x.mmul(a.k[0]).add(keys(layer), a.k[1]),
                keep, heads, length, h, attention(layer));
        SDVariable v = split(x.mmul(a.v[0]).add(values(layer), a.v[1]), heads, length, h / heads);
        SDVariable context = sd.mmul(probs, v).permute(0, 2, 1, 3).reshape(-1, h);   // [B, L, heads, d] -> [B * L, H]
        return context.mmul(a.o[0]).add(a.o[1]);
    }

    /** The attention probabilities [B, heads, L, L] of queries and keys [B * L, H], named {@code name}. */
    static SDVariable probabilities(SameDiff sd, SDVariable queries, SDVariable keys, SDVariable keep, int heads, int length, long h,
                                    String name) {
        long d = h / heads;
        SDVariable q = split(queries.mul(1.0 / Math.sqrt(d)), heads, length, d);
        SDVariable k = split(keys, heads, length, d);
        SDVariable keyBias = sd.tile(keep.rsub(1.0).mul(MASKED).reshape(-1, 1, length, 1), 1, heads, 1, 1);   // [B, heads, L, 1]
        SDVariable scores = sd.mmul(sd.concat(3, q, sd.onesLike(keyBias)), sd.concat(3, k, keyBias), false, true, false);
        return sd.nn.softmax(name, scores, 3);
    }

    /** The smallest probability whose log the attention loss takes: a PAD key's probability is exactly 0. */
    static final double LOG_FLOOR = 1e-30;

    /**
     * The attention-distribution loss of ERNIE 3.0 Titan and MiniLM: KL(A_teacher || A_student) of each head's and each
     * query's distribution over the keys, averaged over the heads and over the batch's non-PAD queries. {@code teacher}
     * and {@code student} are [B, heads, L, L] attention probabilities (PAD keys at 0, the teacher's a detached copy),
     * {@code keep} [B, L] is 1 for a token. Probabilities are clamped at {@link #LOG_FLOOR} before the log only so that
     * 0 * log 0 stays out of the sum: a PAD key, where both are 0, adds exactly 0 and passes no gradient.
     */
    static SDVariable attentionKl(SameDiff sd, String name, SDVariable teacher, SDVariable student, SDVariable keep, int heads, int length) {
        SDVariable logTeacher = sd.math.log(sd.math.clipByValue(teacher, LOG_FLOOR, 1.0));
        SDVariable logStudent = sd.math.log(sd.math.clipByValue(student, LOG_FLOOR, 1.0));
        SDVariable perQuery = teacher.mul(logTeacher.sub(logStudent)).sum(3);                 // [B, heads, L]
        SDVariable queries = keep.reshape(-1, 1, length);                                     // [B, 1, L]
        return perQuery.mul(queries).sum().div(name, queries.sum().mul(heads));
    }

    /**
     * MiniLMv2's self-relation of one projection {@code x} [B * L, H] (queries, keys or values): split into
     * {@code relationHeads} heads of H / relationHeads, each position's scaled dot products with every position,
     * softmax over the non-PAD ones: [B, relationHeads, L, L], rows summing to 1, PAD columns 0. Teacher and student
     * need only the same relation head count, not the same width, so {@link #attentionKl} compares them directly.
     */
    static SDVariable selfRelation(SameDiff sd, SDVariable x, SDVariable keep, int relationHeads, int length) {
        return selfRelation(sd, x, x.getShape()[1], keep, relationHeads, length);
    }

    /** {@link #selfRelation} of {@code x} of width {@code h} (for a computed variable, whose shape SameDiff does not know). */
    static SDVariable selfRelation(SameDiff sd, SDVariable x, long h, SDVariable keep, int relationHeads, int length) {
        if (h % relationHeads != 0) throw new IllegalArgumentException(relationHeads + " relation heads do not divide width " + h);
        long d = h / relationHeads;
        SDVariable split = split(x, relationHeads, length, d);                                         // [B, r, L, d]
        SDVariable bias = keep.rsub(1.0).mul(MASKED).reshape(-1, 1, 1, length);                        // PAD keys
        SDVariable scores = sd.mmul(split.mul(1.0 / Math.sqrt(d)), split, false, true, false).add(bias);
        return sd.nn.softmax(scores, 3);
    }

    /**
     * TinyBERT's hidden-state loss: the student's states [B * L, Hs] through a learned projection [Hs, Ht] against the
     * teacher's [B * L, Ht], squared error averaged over the teacher's width and the batch's non-PAD positions.
     */
    static SDVariable hiddenMse(SameDiff sd, String name, SDVariable teacher, SDVariable student, SDVariable projection, SDVariable keep) {
        long width = teacher.getShape()[1];
        SDVariable diff = student.mmul(projection).sub(teacher);                                       // [B * L, Ht]
        SDVariable positions = keep.reshape(-1, 1);                                                    // [B * L, 1]
        return diff.mul(diff).mul(positions).sum().div(name, positions.sum().mul(width));
    }

    /** [B * L, H] to [B, heads, L, d]. */
    private static SDVariable split(SDVariable x, int heads, int length, long d) {
        return x.reshape(-1, length, heads, d).permute(0, 2, 1, 3);
    }

    /** The position-wise feed-forward sub-layer: GELU (tanh approximation) between two projections. */
    static SDVariable feedForward(SDVariable x, SDVariable[] first, SDVariable[] second) {
        return gelu(x.mmul(first[0]).add(first[1])).mmul(second[0]).add(second[1]);
    }

    /**
     * GELU's tanh approximation, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, written as the equal
     * {@code x sigmoid(x (c + 0.044715 c x^2))} with {@code c = 2 sqrt(2/pi)} (since 0.5 (1 + tanh z) = sigmoid(2z)): six
     * ops instead of nine, and its gradient is the graph's own. M2.1's {@code gelu} is the sigmoid approximation (a
     * different function) and its {@code preciseGelu} neither matches the tanh form nor its own finite differences.
     */
    static SDVariable gelu(SDVariable x) {
        SameDiff sd = x.getSameDiff();
        double c = 2 * Math.sqrt(2 / Math.PI);
        return x.mul(sd.nn.sigmoid(x.mul(x.mul(x).mul(0.044715 * c).add(c))));
    }

    /** LayerNorm over the last axis of [N, H], with gain and bias (epsilon 1e-5, biased variance, as PyTorch). */
    static SDVariable layerNorm(SDVariable x, SDVariable[] gainBias) {
        SameDiff sd = x.getSameDiff();
        SDVariable centred = x.sub(x.mean(true, 1));
        SDVariable variance = centred.mul(centred).mean(true, 1);
        return centred.div(sd.math.sqrt(variance.add(LN_EPSILON))).mul(gainBias[0]).add(gainBias[1]);
    }

    /** Mean over the non-pad positions: [B * L, H] to [B, H]. */
    static SDVariable meanPool(SDVariable x, SDVariable keep, int length, long h) {
        SDVariable weights = keep.reshape(-1, length, 1);
        SDVariable sum = x.reshape(-1, length, h).mul(weights).sum(1);                  // [B, H]
        return sum.div(weights.sum(1).add(1e-9));                                       // [B, 1]: a row of PAD only gives 0
    }

    /** The row at position 0 (CLS): [B * L, H] to [B, H]. */
    static SDVariable clsPool(SDVariable x, int length, long h) {
        return x.reshape(-1, length, h).get(SDIndex.all(), SDIndex.point(0), SDIndex.all());
    }

    /**
     * The loss of {@code io.distill4j.loss.SoftLogitKd}, averaged over the batch:
     * {@code alpha T^2 KL(softmax(t/T) || softmax(z/T)) + (1 - alpha) CE(y, softmax(z))}: the labels and logits terms
     * weighted by {@code 1 - alpha} and {@code alpha}.
     */
    static SDVariable kdLoss(SameDiff sd, SDVariable logits, SDVariable oneHot, SDVariable targets, SDVariable alpha, double temperature) {
        return alpha.rsub(1.0).mul(crossEntropy(logits, oneHot)).add(LOSS, alpha.mul(logitKl(sd, logits, targets, temperature)));
    }

    /** Cross-entropy with one-hot labels, averaged over the batch. */
    static SDVariable crossEntropy(SDVariable logits, SDVariable oneHot) {
        return oneHot.mul(logSoftmax(logits)).sum(1).mean().neg();
    }

    /**
     * {@code T^2 KL(softmax(t/T) || softmax(z/T))} averaged over the batch (Hinton's soft targets). The targets are a
     * placeholder, so no gradient reaches their publisher.
     */
    static SDVariable logitKl(SameDiff sd, SDVariable logits, SDVariable targets, double temperature) {
        SDVariable teacher = logSoftmax(targets.div(temperature));
        SDVariable kl = sd.math.exp(teacher).mul(teacher.sub(logSoftmax(logits.div(temperature)))).sum(1).mean();
        return kl.mul(temperature * temperature);
    }

    /** log softmax over the last axis of [B, C]. */
    static SDVariable logSoftmax(SDVariable z) {
        SameDiff sd = z.getSameDiff();
        SDVariable shifted = z.sub(z.max(true, 1));
        return shifted.sub(sd.math.log(sd.math.exp(shifted).sum(true, 1)));
    }

    /** Creates the graph's trainable variables with their initial values, from one seed. */
    static final class Params {
        private final SameDiff sd;
        private final DataType type;
        private final long seed;
        final List<String> names = new ArrayList<>();

        Params(SameDiff sd, DataType type, long seed) {
            this.sd = sd;
            this.type = type;
            this.seed = seed;
        }

        /**
         * Draws from java.util's generator, one stream per variable (seeded by the seed and the variable's position), so that
         * initial weights are the same whatever ND4J binary or thread count runs.
         */
        SDVariable normal(String name, double sd, long rows, long cols) {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + names.size());
            double[] values = new double[Math.toIntExact(rows * cols)];
            for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian() * sd;
            return add(name, Nd4j.create(values, new long[]{rows, cols}, DataType.DOUBLE).castTo(type));
        }

        SDVariable constant(String name, double value, long... shape) {
            return add(name, Nd4j.valueArrayOf(shape, value, type));
        }

        /** Xavier-normal weight [nIn, nOut] and zero bias [1, nOut] (DL4J's XAVIER, PyTorch's xavier_normal_). */
        SDVariable[] linear(String name, long nIn, long nOut) {
            return new SDVariable[]{normal(name + "_w", Math.sqrt(2.0 / (nIn + nOut)), nIn, nOut), constant(name + "_b", 0, 1, nOut)};
        }

        SDVariable[] layerNorm(String name, long h) {
            return new SDVariable[]{constant(name + "_g", 1, 1, h), constant(name + "_b", 0, 1, h)};
        }

        private SDVariable add(String name, INDArray value) {
            names.add(name);
            return sd.var(name, value);
        }
    }
}
