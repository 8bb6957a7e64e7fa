package io.distill4j.train;

import io.distill4j.runtime.StopRequestedException;

import io.distill4j.config.DistillSpec;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.data.BatchBuffer;
import io.distill4j.data.EpochCursor;
import io.distill4j.data.LabeledSplit;
import io.distill4j.signal.Signal;
import io.distill4j.signal.SignalChannel;
import io.distill4j.signal.SignalKey;
import io.distill4j.loss.Term;
import io.distill4j.model.Lesson;
import io.distill4j.signal.TemporalEnsemble;
import io.distill4j.step.SecondThread;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The online distillation loop (ERNIE 3.0 Titan, generalised). One step:
 * <ol>
 *   <li>next batch from the resumable cursor;</li>
 *   <li>the teacher fits on hard labels; its logits are kept from that same training forward pass;</li>
 *   <li>every {@code period} steps (after burn-in) publishers publish; the assistant steps on the teacher's
 *       signal and publishes its own; students step on their source's signal (models that learn from
 *       labels step every step);</li>
 *   <li>listeners see the step record.</li>
 * </ol>
 * During the first {@code burnInSteps} steps every model learns from labels alone, every step. Signals
 * are detached copies, so no distillation gradient can reach a publisher. With {@code parallel}, the assistant
 * and students step on the second core ({@link SecondThread}, the fused step's helper) as soon as the teacher's
 * forward pass has produced its logits, while the teacher runs its backward pass and update; each model's
 * arithmetic is unchanged, so results are bitwise those of the sequential order (tested).
 */
public final class OnlineTrainer {
    private final List<Participant> participants;
    private final LabeledSplit train;
    private final DistillSpec distill;
    private final EpochCursor cursor;
    private final long seed;
    private final long totalSteps;
    private final List<RunListener> listeners = new ArrayList<>();
    private final SignalChannel channel = new SignalChannel();
    /** Reused every step: the batch arrays are not kept beyond the step that gathered them. */
    private final BatchBuffer batch;
    /** Whether the assistant and students run on the second core beside the teacher's backward pass. */
    private final boolean parallel;
    /** Whether whole models fit on both cores at once, each when its source has stepped ({@link ConcurrentStep}). */
    private final boolean modelsInParallel;
    /** Per publisher, its logits averaged per example over the epochs (distill.temporalEnsemble > 0), else empty. */
    private final Map<String, TemporalEnsemble> memories = new LinkedHashMap<>();
    /** Per publisher, the signals its learners' terms read (logits always). */
    private final Map<String, Set<SignalKey>> signalKeys = new LinkedHashMap<>();
    private long step;
    private volatile boolean stopRequested;
    /** The loop has ended (all steps done): a stop request now ends the run's remaining work instead. */
    private volatile boolean loopEnded;

    public OnlineTrainer(List<Participant> participants, LabeledSplit train, DistillSpec distill, int epochs,
                         int batchSize, long seed, boolean parallel) {
        this(participants, train, distill, new EpochCursor(train.size(), batchSize, seed), seed,
                (long) epochs * (train.size() / batchSize), parallel);
    }

    /** Continues from a restored cursor (resume). */
    public OnlineTrainer(List<Participant> participants, LabeledSplit train, DistillSpec distill, EpochCursor cursor,
                         long seed, long totalSteps, boolean parallel) {
        this.participants = List.copyOf(participants);
        this.train = train;
        this.batch = new BatchBuffer(train);
        this.distill = distill;
        this.cursor = cursor;
        this.seed = seed;
        this.totalSteps = totalSteps;
        this.step = cursor.step();
        this.parallel = parallel && participants.size() > 1;
        this.modelsInParallel = this.parallel && this.participants.stream().allMatch(p -> p.model().fitsConcurrently());
        for (Participant p : this.participants) {
            if (p.publishes()) {
                Set<SignalKey> wanted = wanted(p.name());
                signalKeys.put(p.name(), wanted);
                Set<SignalKey> internals = new LinkedHashSet<>(wanted);
                internals.remove(SignalKey.LOGITS);
                p.model().capture(internals);
            }
        }
        if (distill.temporalEnsemble() > 0) {
            for (Participant p : this.participants) {
                if (p.publishes()) memories.put(p.name(), new TemporalEnsemble(train.size(), train.numClasses(), distill.temporalEnsemble()));
            }
        }
    }

    /** The signals the learners of {@code publisher} read: the logits, and what their internal terms compare. */
    private Set<SignalKey> wanted(String publisher) {
        Set<SignalKey> out = new LinkedHashSet<>();
        out.add(SignalKey.LOGITS);
        for (Participant p : participants) {
            if (!publisher.equals(p.source())) continue;
            for (Term t : p.terms()) out.addAll(SignalKey.readBy(t));
        }
        return out;
    }

    /** File name of a publisher's signal memory inside a checkpoint. */
    public static String memoryFile(String publisher) {
        return "signal-memory-" + publisher + ".bin";
    }

    /** Whether a checkpoint file is one of {@link #stateFiles()}. */
    public static boolean isStateFile(String name) {
        return name.startsWith("signal-memory-") && name.endsWith(".bin");
    }

    /**
     * What is wrong with state file {@code file} of a checkpoint whose cursor is {@code cursor}, or empty; see
     * {@link TemporalEnsemble#problem}.
     */
    public static java.util.Optional<String> stateFileProblem(java.nio.file.Path file, io.distill4j.data.EpochCursor.State cursor) {
        return TemporalEnsemble.problem(file, cursor.datasetSize()).map(p -> file.getFileName() + ": " + p);
    }

    /**
     * The names {@link #stateFiles()} has in a run of this config, known without a trainer, so a resume can require
     * them of a checkpoint before it builds one.
     */
    public static Set<String> stateFileNames(ModelsSpec models, DistillSpec distill) {
        Set<String> out = new LinkedHashSet<>();
        if (distill.temporalEnsemble() > 0) for (String publisher : Participants.publishers(models)) out.add(memoryFile(publisher));
        return out;
    }

    /** Training state besides the models and {@code state.json}, as checkpoint files (file name → bytes). */
    public Map<String, byte[]> stateFiles() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        memories.forEach((name, memory) -> out.put(memoryFile(name), memory.toBytes()));
        return out;
    }

    /** Restores what {@link #stateFiles()} wrote; {@code read} opens a file of the checkpoint by name. */
    public void restoreStateFiles(java.util.function.Function<String, java.io.InputStream> read) throws java.io.IOException {
        for (Map.Entry<String, TemporalEnsemble> e : memories.entrySet()) {
            try (java.io.InputStream in = read.apply(memoryFile(e.getKey()))) {
                e.getValue().read(in);
            }
        }
    }

    public OnlineTrainer addListener(RunListener listener) {
        listeners.add(listener);
        return this;
    }

    public List<Participant> participants() {
        return participants;
    }

    /** Steps done so far. */
    public long step() {
        return step;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public EpochCursor cursor() {
        return cursor;
    }

    public SignalChannel channel() {
        return channel;
    }

    /**
     * Runs every remaining step, then notifies listeners that training finished. A {@link #requestStop()}
     * (from a signal handler) ends the loop after the current step; listeners then see {@code onInterrupt}.
     *
     * @return true if all steps ran, false if stopped early
     */
    public boolean run() {
        listeners.forEach(l -> l.onStart(this));
        while (step < totalSteps && !stopRequested) {
            StepRecord record = advance();
            listeners.forEach(l -> l.onStep(this, record));
        }
        if (step < totalSteps) {
            listeners.forEach(l -> l.onInterrupt(this));
            return false;
        }
        loopEnded = true;
        listeners.forEach(l -> l.onFinish(this));
        return true;
    }

    /** Asks the loop to stop after the step in progress; safe to call from any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Once every step has run, the final evaluation, test pass, export and report call this between pieces of work: a
     * stop requested meanwhile ends them ({@link StopRequestedException}) instead of being swallowed. During the loop
     * it does nothing (the loop stops after its step and checkpoints).
     */
    public void stopIfRequested() {
        if (stopRequested && loopEnded) throw new StopRequestedException("stopped after training step " + step + "/" + totalSteps);
    }

    /** One online step over the next batch. */
    public StepRecord advance() {
        int[] idx = cursor.next();
        step++;
        batch.gather(idx);
        INDArray x = batch.features();
        INDArray y = batch.oneHot();
        boolean burnIn = step <= distill.burnInSteps();
        boolean publishStep = !burnIn && step % distill.period() == 0;
        StepContext ctx = new StepContext(idx, x, y, burnIn, publishStep);
        Map<String, Double> losses = new LinkedHashMap<>();
        Participant first = participants.get(0);
        boolean overlap = parallel && first.role() == Role.TEACHER && first.publishes()
                && !ModelSpec.EVAL_PASS.equals(first.spec().signalSource()) && signalKeys.get(first.name()).size() == 1;
        if (modelsInParallel) {
            Map<String, Double> learned = new ConcurrentHashMap<>();
            ConcurrentStep.run(dependencies(ctx), i -> stepOne(i, ctx, learned));
            for (Participant p : participants) if (learned.containsKey(p.name())) losses.put(p.name(), learned.get(p.name()));
        } else if (!overlap) {
            for (int i = 0; i < participants.size(); i++) stepOne(i, ctx, losses);
        } else {
            // the learners need only the teacher's forward pass: on the second core they run beside its backward
            // pass and update, whose products the helper joins once the learners are done
            AtomicReference<SecondThread.Job> job = new AtomicReference<>();
            Map<String, Double> learned = new LinkedHashMap<>();
            Runnable learners = () -> {
                for (int i = 1; i < participants.size(); i++) stepOne(i, ctx, learned);
            };
            // runs on the teacher's thread right after its forward pass, so the signal is in place before its fit returns
            Runnable startLearners = () -> {
                if (publishes(first, ctx)) {
                    publish(first, ctx, signal(first, ctx, first.model().trainingLogits()));
                    ctx.stepped.put(first.name(), true);
                }
                job.set(SecondThread.start(learners));
            };
            if (publishes(first, ctx)) first.model().onForward(startLearners);
            else startLearners.run();
            try {
                stepOne(0, ctx, losses);
            } catch (RuntimeException | Error e) {
                // an OutOfMemoryError too: the learners must be off the helper before the failure is reported (and, in a
                // study, before the next seed's run uses the helper)
                joinQuietly(job.get());
                throw e;
            } finally {
                first.model().onForward(null);
            }
            if (job.get() != null) job.get().join();
            else learners.run();   // the helper could not take them: the sequential order, the same bits
            losses.putAll(learned);
        }
        // a step ends with every model's parameters in place: listeners, and anyone holding a model, see them
        for (Participant p : participants) p.model().settle();
        boolean epochEnd = cursor.positionInEpoch() == cursor.stepsPerEpoch();
        Map<String, Map<String, Double>> orderedTerms = new LinkedHashMap<>();
        for (String name : losses.keySet()) if (ctx.terms.containsKey(name)) orderedTerms.put(name, ctx.terms.get(name));
        return new StepRecord(step, cursor.epoch(), totalSteps, losses, orderedTerms, burnIn, publishStep, epochEnd);
    }

    /** Per participant, the index of the one whose signal it needs in this step, or -1 (labels, burn-in, off-period). */
    private int[] dependencies(StepContext ctx) {
        int[] waitsFor = new int[participants.size()];
        for (int i = 0; i < waitsFor.length; i++) {
            Participant p = participants.get(i);
            waitsFor[i] = -1;
            if (p.source() == null || ctx.burnIn || !ctx.publishStep || warmingUp(p.source())) continue;
            for (int j = 0; j < i; j++) if (participants.get(j).name().equals(p.source())) waitsFor[i] = j;
        }
        return waitsFor;
    }

    /** What one step's participants share: the batch, the phase, and the signals published in this step. */
    private static final class StepContext {
        final INDArray x;
        final INDArray y;
        final boolean burnIn;
        final boolean publishStep;
        final int[] idx;
        /** Publishers that published in this step. */
        final Set<String> published = ConcurrentHashMap.newKeySet();
        final Map<String, Boolean> stepped = new ConcurrentHashMap<>();
        /** Per model that stepped, its loss terms' values (filled from both threads). */
        final Map<String, Map<String, Double>> terms = new ConcurrentHashMap<>();

        StepContext(int[] idx, INDArray x, INDArray y, boolean burnIn, boolean publishStep) {
            this.idx = idx;
            this.x = x;
            this.y = y;
            this.burnIn = burnIn;
            this.publishStep = publishStep;
        }
    }

    /** Whether {@code publisher} is still in its warm start: its learners learn from labels alone until it ends. */
    private boolean warmingUp(String publisher) {
        for (Participant p : participants) if (p.name().equals(publisher)) return step <= p.spec().warmStart();
        return false;
    }

    /** Whether {@code p} publishes in this step: a publish step after burn-in and after its own warm start. */
    private boolean publishes(Participant p, StepContext ctx) {
        return p.publishes() && ctx.publishStep && step > p.spec().warmStart();
    }

    private void stepOne(int i, StepContext ctx, Map<String, Double> losses) {
        Participant p = participants.get(i);
        boolean steps;
        Lesson lesson = Lesson.labelsOnly();
        boolean ownWarmUpOnLabels = step <= p.spec().warmStart() && p.spec().warmsUpOnLabels();
        if (p.source() == null || ctx.burnIn || ownWarmUpOnLabels) {
            steps = true;
        } else if (warmingUp(p.source())) {
            steps = ctx.publishStep;   // learns from labels while its publisher warms up, at the pace it will learn from it
        } else {
            steps = ctx.publishStep && Boolean.TRUE.equals(ctx.stepped.get(p.source()));
            if (steps) lesson = lesson(p);
        }
        ctx.stepped.putIfAbsent(p.name(), steps);
        if (!steps) return;
        // dropout draws from ND4J's (per-thread) RNG, which no checkpoint holds: derive it from (seed, step, model
        // identity), so a twin draws exactly what its student would have drawn alone
        Nd4j.getRandom().setSeed(seed * 31 + step * 1_000_003L + Participants.identityKey(p.identity()));
        double loss = p.model().fit(ctx.x, ctx.y, lesson);
        if (DivergenceException.diverged(loss)) {
            throw new DivergenceException(p.name(), step, loss);
        }
        losses.put(p.name(), loss);
        Map<String, Double> values = p.model().termValues();
        if (!values.isEmpty()) ctx.terms.put(p.name(), values);
        if (publishes(p, ctx)) {
            // (a teacher overlapped with its learners has published its logits from its forward pass already)
            if (!ctx.published.contains(p.name())) publish(p, ctx, signal(p, ctx, signalValues(p, ctx.x)));
        } else if (memories.containsKey(p.name()) && !ModelSpec.EVAL_PASS.equals(p.spec().signalSource())) {
            // burn-in and off-period steps still fold the training pass into the memory: the first visits of an example,
            // before the publisher has fitted it, are the least memorised predictions it will ever make
            memories.get(p.name()).update(ctx.idx, p.model().trainingLogits());
        }
    }

    /** Publishes {@code p}'s logits and every internal signal its learners read into the channel. */
    private void publish(Participant p, StepContext ctx, INDArray logits) {
        for (SignalKey key : signalKeys.get(p.name())) {
            INDArray values = SignalKey.LOGITS.equals(key) ? logits : p.model().trainingSignal(key);
            channel.publish(new Signal(p.name(), key, step, values));
        }
        ctx.published.add(p.name());
    }

    /** What {@code p} learns from in this step: its terms at their weights, reading its source's signals of this step. */
    private Lesson lesson(Participant p) {
        Map<SignalKey, INDArray> signals = new java.util.HashMap<>();
        for (Term t : p.terms()) {
            for (SignalKey key : SignalKey.readBy(t)) {
                signals.put(key, channel.at(p.source(), key, step).orElseThrow(() ->
                        new IllegalStateException(p.source() + " published no " + key + " in step " + step)).values());
            }
        }
        return Lesson.at(p.terms(), step, signals);
    }

    /** What {@code p} publishes for this batch: its logits, or their per-example average over the epochs. */
    private INDArray signal(Participant p, StepContext ctx, INDArray logits) {
        TemporalEnsemble memory = memories.get(p.name());
        return memory == null ? logits : memory.update(ctx.idx, logits);
    }

    private static void joinQuietly(SecondThread.Job job) {
        try {
            if (job != null) job.join();
        } catch (RuntimeException | Error ignored) {
            // the teacher's own failure is the one to report
        }
    }

    private static INDArray signalValues(Participant p, INDArray x) {
        if (ModelSpec.EVAL_PASS.equals(p.spec().signalSource())) {
            // one extra inference-mode forward with the just-updated weights: no dropout, known extra cost
            return p.model().inferenceLogits(x);
        }
        return p.model().trainingLogits();
    }
}
