package io.distill4j.listeners;

import io.distill4j.report.MetricsLog;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.Participant;
import io.distill4j.train.Role;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;

import java.util.List;

/** Feeds the loop's start and steps to {@code metrics.jsonl} ({@link MetricsLog}); evaluations reach it from {@link PeriodicEvaluation}. */
public final class MetricsListener implements RunListener {
    private final MetricsLog log;

    public MetricsListener(MetricsLog log) {
        this.log = log;
    }

    /** A fresh run (not a resumed one) lists its models first. */
    @Override
    public void onStart(OnlineTrainer trainer) {
        if (trainer.step() != 0) return;
        List<MetricsLog.Model> models = trainer.participants().stream().map(MetricsListener::model).toList();
        log.start(trainer.totalSteps(), models);
    }

    private static MetricsLog.Model model(Participant p) {
        return new MetricsLog.Model(p.name(), p.role().id(), p.spec().family(), p.parameterCount(),
                p.source() == null ? "labels" : p.source(), p.role() == Role.TWIN ? p.identity() : null);
    }

    @Override
    public void onStep(OnlineTrainer trainer, StepRecord r) {
        log.step(r.step(), r.totalSteps(), r.epoch(), r.burnIn(), r.published(), r.losses(), r.terms());
    }
}
