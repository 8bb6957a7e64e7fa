package io.distill4j.train;

import io.distill4j.config.DistillSpec;
import io.distill4j.config.ModelSpec;
import io.distill4j.data.Batches;
import io.distill4j.data.EpochCursor;
import io.distill4j.data.LabeledSplit;
import io.distill4j.model.Logits;
import io.distill4j.signal.Signal;
import io.distill4j.signal.SignalChannel;
import io.distill4j.signal.SignalKind;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * are detached copies, so no distillation gradient can reach a publisher.
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
    private long step;
    private volatile boolean stopRequested;

    public OnlineTrainer(List<Participant> participants, LabeledSplit train, DistillSpec distill, int epochs,
                         int batchSize, long seed) {
        this(participants, train, distill, new EpochCursor(train.size(), batchSize, seed), seed,
                (long) epochs * (train.size() / batchSize));
    }

    /** Continues from a restored cursor (resume). */
    public OnlineTrainer(List<Participant> participants, LabeledSplit train, DistillSpec distill, EpochCursor cursor,
                         long seed, long totalSteps) {
        this.participants = List.copyOf(participants);
        this.train = train;
        this.distill = distill;
        this.cursor = cursor;
        this.seed = seed;
        this.totalSteps = totalSteps;
        this.step = cursor.step();
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
        listeners.forEach(l -> l.onFinish(this));
        return true;
    }

    /** Asks the loop to stop after the step in progress; safe to call from any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /** One online step over the next batch. */
    public StepRecord advance() {
        int[] idx = cursor.next();
        step++;
        INDArray x = Batches.features(train, idx);
        INDArray y = Batches.oneHot(train, idx);
        boolean burnIn = step <= distill.burnInSteps();
        boolean publishStep = !burnIn && step % distill.period() == 0;
        Map<String, Double> losses = new LinkedHashMap<>();
        Map<String, Boolean> steppedThisStep = new LinkedHashMap<>();
        for (int i = 0; i < participants.size(); i++) {
            Participant p = participants.get(i);
            boolean steps;
            INDArray labels;
            if (p.source() == null) {
                steps = true;
                labels = y;
            } else if (burnIn) {
                steps = true;
                p.kdLoss().setAlpha(0.0);
                labels = Nd4j.hstack(Nd4j.zeros(y.dataType(), y.size(0), y.size(1)), y);
            } else {
                steps = publishStep && Boolean.TRUE.equals(steppedThisStep.get(p.source()));
                labels = steps ? Nd4j.hstack(channel.latest(p.source()).orElseThrow().values(), y) : null;
                if (steps) p.kdLoss().setAlpha(distill.alpha());
            }
            steppedThisStep.put(p.name(), steps);
            if (!steps) continue;
            // dropout draws from the global RNG, which no checkpoint holds: derive it from (seed, step, model)
            Nd4j.getRandom().setSeed(seed * 31 + step * 1_000_003L + i);
            p.net().fit(new DataSet(x, labels));
            double loss = p.net().score();
            if (!Double.isFinite(loss)) {
                throw new DivergenceException(p.name(), step, loss);
            }
            losses.put(p.name(), loss);
            if (p.publishes()) {
                INDArray trainingPass = p.capture().take();
                if (publishStep) channel.publish(new Signal(p.name(), SignalKind.LOGITS, step, signalValues(p, x, trainingPass)));
            }
        }
        boolean epochEnd = cursor.positionInEpoch() == cursor.stepsPerEpoch();
        return new StepRecord(step, cursor.epoch(), totalSteps, losses, burnIn, publishStep, epochEnd);
    }

    private static INDArray signalValues(Participant p, INDArray x, INDArray trainingPass) {
        if (ModelSpec.EVAL_PASS.equals(p.spec().signalSource())) {
            // one extra inference-mode forward with the just-updated weights: no dropout, known extra cost
            return Logits.inference(p.net(), x);
        }
        return trainingPass;
    }
}
