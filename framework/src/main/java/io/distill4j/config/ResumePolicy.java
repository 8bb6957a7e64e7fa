package io.distill4j.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which config keys may change when a run is resumed. Only settings the resumed run really applies may change: how
 * long and how often (epochs, evaluation, logging, checkpoints), how the work is spread (threads, engine, precision), how strongly
 * soft targets are learned (temperature, alpha, period, burn-in) and where the data lives (checked by SHA-256). Everything
 * the checkpoint holds — architectures, optimizers and their state, the data split, the batch order, the seed — cannot
 * change: accepting such a change would silently ignore it.
 */
public final class ResumePolicy {
    /** Keys (list indices removed: {@code models.students.alpha}) that a resume may change. */
    static final Set<String> CHANGEABLE = Set.of(
            "training.epochs", "training.evalEvery", "training.logEvery", "training.parallel", "training.engine", "training.precision",
            "checkpoint.every", "checkpoint.atEpochEnd", "checkpoint.keep", "output.runs", "data.root",
            "distill.temperature", "distill.alpha", "distill.period", "distill.burnInSteps",
            "models.teacher.temperature", "models.teacher.alpha", "models.assistant.temperature", "models.assistant.alpha",
            "models.students.temperature", "models.students.alpha");

    private ResumePolicy() {
    }

    /**
     * The changes among {@code changedKeys} (as listed by {@link ConfigLoader#changedKeys}) that a resume must refuse,
     * each with the reason; empty if the resume may go on.
     */
    public static List<String> refusals(RunConfig before, List<String> changedKeys) {
        List<String> out = new ArrayList<>();
        for (String key : changedKeys) {
            if (!CHANGEABLE.contains(key.replaceAll("\\[\\d+]", ""))) {
                out.add(key + " (" + reason(key) + ")");
            } else if (key.equals("training.epochs") && usesLinearSchedule(before)) {
                out.add(key + " (a linear learning-rate schedule was laid out for the original number of steps)");
            }
        }
        return out;
    }

    private static String reason(String key) {
        if (key.startsWith("models")) return "the models' architecture and optimizer state are in the checkpoint";
        if (key.startsWith("data")) return "the data split is part of the run";
        if (key.startsWith("training")) return "the batch order and initial weights depend on it";
        if (key.startsWith("distill")) return "the checkpoint's models and signal memory depend on it";
        return "it identifies the run";
    }

    private static boolean usesLinearSchedule(RunConfig config) {
        return config.models().all().stream().anyMatch(m -> OptimizerSpec.LINEAR.equals(m.optimizer().schedule()));
    }

    /** The keys a resume may change, for messages. */
    public static String changeable() {
        return "training.epochs/evalEvery/logEvery/parallel/engine/precision, checkpoint.*, output.runs, data.root, "
                + "distill.temperature/alpha/period/burnInSteps and a model's temperature/alpha";
    }
}
