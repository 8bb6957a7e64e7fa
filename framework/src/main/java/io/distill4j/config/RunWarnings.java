package io.distill4j.config;

import io.distill4j.data.DatasetInfo;
import io.distill4j.data.DatasetRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a valid config would do that is very likely not meant: a run that cannot finish in any reasonable time, an
 * evaluation that would cost more than the training, checkpoints that cannot fit on the disk (round 3, D17). Warnings,
 * not refusals: each may be meant (a long run on a fast machine, a disk to be freed). Cheap: arithmetic on the config.
 */
public final class RunWarnings {
    /** Steps past which a run takes days on a CPU (the shipped recipes run 20 to ~9,000 steps). */
    static final long MAX_STEPS = 1_000_000;
    /** Evaluated examples per trained example past which evaluation, not training, fills the run. */
    static final long MAX_EVALUATION_RATIO = 10;
    /** Evaluated examples below which evaluation costs too little to mention, whatever the ratio. */
    static final long MIN_EVALUATED = 10_000_000;
    /** Seeds past which a study is more runs than anyone reads. */
    public static final int MAX_SEEDS = 100;

    private RunWarnings() {
    }

    /** Training examples per epoch (after the validation split) and training steps, as the trainer will count them. */
    public record Length(long trainExamples, long validationExamples, long stepsPerEpoch, long steps) {
    }

    /** The run's length: {@code epochs × (training examples / batchSize)}, as the trainer lays it out. */
    public static Length length(RunConfig c) {
        DatasetInfo data = io.distill4j.data.DatasetLoader.describe(c.data().request());
        long limit = c.data().trainLimit();
        long all = limit > 0 ? Math.min(limit, data.trainExamples()) : data.trainExamples();
        long validation = Math.min(c.data().validation(), all);
        long perEpoch = (all - validation) / c.training().batchSize();
        return new Length(all - validation, validation, perEpoch, perEpoch * c.training().epochs());
    }

    /**
     * The warnings for {@code c} run {@code seeds} times, with {@code freeDiskBytes} free where its run folders go
     * ({@code Long.MAX_VALUE} if unknown), each a {@link KeyProblem} of the key to change.
     */
    public static List<KeyProblem> of(RunConfig c, Map<String, ? extends FamilyRules> families, int seeds, long freeDiskBytes) {
        List<KeyProblem> out = new ArrayList<>();
        Length length = length(c);
        TrainingSpec t = c.training();
        if (length.steps() > MAX_STEPS) {
            out.add(new KeyProblem("training.epochs", count(length.steps()) + " training steps (" + t.epochs() + " epochs of "
                    + count(length.stepsPerEpoch()) + " batches of " + t.batchSize() + "): days of training on a CPU, if it ever "
                    + "finishes; fewer epochs or a larger training.batchSize"));
        }
        long validation = length.validationExamples();
        if (t.evalEvery() > 0 && validation > 0) {
            long evaluated = length.steps() / t.evalEvery() * validation;
            long trained = length.steps() * t.batchSize();
            if (evaluated > MIN_EVALUATED && evaluated > MAX_EVALUATION_RATIO * trained) {
                out.add(new KeyProblem("training.evalEvery", "evaluating the " + count(validation) + " validation examples every "
                        + t.evalEvery() + " step(s) evaluates " + count(evaluated / Math.max(1, trained)) + "x as many examples "
                        + "as the run trains on; evaluate less often (e.g. training.evalEvery: " + Math.max(1, length.stepsPerEpoch())
                        + ", once an epoch)"));
            }
        }
        long perRun = checkpointBytes(c, families, length);
        if (perRun > 0 && (double) perRun * seeds > freeDiskBytes) {
            out.add(new KeyProblem("checkpoint.keep", "the checkpoints kept need about " + MemoryBudget.bytes(perRun)
                    + (seeds > 1 ? " a seed, " + MemoryBudget.bytes((long) Math.min(Long.MAX_VALUE, (double) perRun * seeds)) + " for "
                    + seeds + " seeds," : "") + " but " + MemoryBudget.bytes(freeDiskBytes) + " is free where the run folders go; "
                    + "keep fewer (checkpoint.keep), write them less often (checkpoint.every), or free disk space"));
        }
        if (seeds > MAX_SEEDS) {
            out.add(new KeyProblem("--seeds", seeds + " seeds are " + seeds + " full runs (" + count(length.steps() * seeds)
                    + " training steps in all); a study needs a handful (3 to 10 give a mean and its interval)"));
        }
        return out;
    }

    /**
     * Disk the run's checkpoints hold at once: {@code checkpoint.keep} (or as many as it writes, if fewer), plus the one
     * being written, each every model's and twin's parameters and optimizer state (the estimate's native bytes, which
     * count gradients too: an upper bound of the same order).
     */
    static long checkpointBytes(RunConfig c, Map<String, ? extends FamilyRules> families, Length length) {
        CheckpointSpec cp = c.checkpoint();
        long written = (cp.every() > 0 ? length.steps() / cp.every() : 0) + (cp.atEpochEnd() ? c.training().epochs() : 0);
        long held = Math.min(cp.keep(), Math.max(1, written)) + 1;
        DatasetInfo data = io.distill4j.data.DatasetLoader.describe(c.data().request());
        long one = 0;
        List<String> keys = MemoryEstimate.modelKeys(c.models());
        for (int i = 0; i < keys.size(); i++) {
            ModelSpec spec = c.models().all().get(i);
            long copies = c.distill().twins() && keys.get(i).startsWith("models.students") && !spec.learnsFromLabelsOnly() ? 2 : 1;
            one += copies * families.get(spec.family()).footprint(spec, c.training(), data, 1).nativeBytes();
        }
        return (long) Math.min(Long.MAX_VALUE, (double) one * held);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
