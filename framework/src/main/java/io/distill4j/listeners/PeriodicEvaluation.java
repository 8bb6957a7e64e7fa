package io.distill4j.listeners;

import io.distill4j.report.EvaluationRecord;
import io.distill4j.report.Evaluator;
import io.distill4j.report.ModelEvaluation;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.ConcurrentStep;
import io.distill4j.train.DivergenceException;
import io.distill4j.train.Participant;
import io.distill4j.train.Role;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Evaluates every model on the validation split every {@code every} steps (0 = never during training) and always once
 * at the end. Without a validation split ({@code evaluator} null) it does nothing: the test split is kept for the
 * final report.
 */
public final class PeriodicEvaluation implements RunListener {
    private final Evaluator evaluator;
    private final int every;
    private final List<Consumer<EvaluationRecord>> sinks = new ArrayList<>();
    private final List<EvaluationRecord> history = new ArrayList<>();

    public PeriodicEvaluation(Evaluator evaluator, int every) {
        this.evaluator = evaluator;
        this.every = every;
    }

    public PeriodicEvaluation onEvaluation(Consumer<EvaluationRecord> sink) {
        sinks.add(sink);
        return this;
    }

    @Override
    public void onStep(OnlineTrainer trainer, StepRecord record) {
        if (every > 0 && record.step() % every == 0 && record.step() < record.totalSteps()) {
            evaluate(trainer);
        }
    }

    @Override
    public void onFinish(OnlineTrainer trainer) {
        evaluate(trainer);
    }

    private void evaluate(OnlineTrainer trainer) {
        if (evaluator == null) return;
        EvaluationRecord record = evaluateAll(evaluator, trainer.participants(), trainer.step(), "validation");
        history.add(record);
        sinks.forEach(s -> s.accept(record));
    }

    /**
     * Every participant's figures on the evaluator's split ({@code split}: its name for messages) at {@code step}; agreement
     * is with the teacher's predictions. A loss that is not finite is divergence (exit 5), thrown before anyone records it:
     * metrics.jsonl and report.json never hold a figure their readers refuse (round 3, D3).
     */
    public static EvaluationRecord evaluateAll(Evaluator evaluator, List<Participant> participants, long step, String split) {
        Map<String, ModelEvaluation> models = new LinkedHashMap<>();
        int[] teacher = null;
        Evaluator.Predictions[] all = new Evaluator.Predictions[participants.size()];
        if (participants.stream().allMatch(p -> p.model().fitsConcurrently())) {
            // models that may fit side by side may also predict side by side: both cores, the same predictions
            ConcurrentStep.forEach(all.length, i -> all[i] = evaluator.predict(participants.get(i).model()));
        } else {
            for (int i = 0; i < all.length; i++) all[i] = evaluator.predict(participants.get(i).model());
        }
        for (int i = 0; i < all.length; i++) {
            Participant p = participants.get(i);
            Evaluator.Predictions predictions = all[i];
            if (!Double.isFinite(predictions.meanLoss())) {
                throw new DivergenceException(p.name(), step, split + " loss", predictions.meanLoss());
            }
            boolean isTeacher = p.role() == Role.TEACHER;
            models.put(p.name(), evaluator.evaluate(predictions, isTeacher ? null : teacher));
            if (isTeacher) teacher = predictions.classes();   // the teacher comes first in step order
        }
        return new EvaluationRecord(step, models);
    }

    /** Evaluations logged before a resume, so the report's history is whole. */
    public void restoreHistory(List<EvaluationRecord> earlier) {
        history.addAll(0, earlier);
    }

    public List<EvaluationRecord> history() {
        return List.copyOf(history);
    }

    /** The figures of the last evaluation (the final one once training finished), or null if none ran. */
    public EvaluationRecord last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}
