package io.distill4j.config;

import io.distill4j.data.DatasetInfo;

import java.util.Map;
import java.util.Optional;

/**
 * What validation asks of a model family. Config knows no engine and no architecture: each family (the model package's
 * {@code ModelFamily} implements this) checks the keys only it reads and says what one of its models holds in memory, and
 * the {@link Vocabulary} carries the families by name.
 */
public interface FamilyRules {
    /**
     * Ranges of the integer keys only this family reads, by their path below a model ({@code conv[].kernel}). The
     * family checks them itself; the loader also reports them for a number too large to read at all.
     */
    default Map<String, IntRange> integerKeys() {
        return Map.of();
    }

    /**
     * The first problem with a model of this family whose common keys (name, hidden widths, optimizer, dropout ...) are
     * valid: its own keys, and whether it can train as {@code training} asks (engine, precision) on {@code data}.
     *
     * @param key the model's key path ({@code models.teacher}, {@code models.students[1]}), to build the problem's key from
     */
    Optional<KeyProblem> check(ModelSpec spec, String key, TrainingSpec training, DatasetInfo data);

    /**
     * What one model of this family holds in memory when trained as {@code training} asks on {@code data}, evaluated
     * {@code evaluationRows} rows at a time.
     */
    Footprint footprint(ModelSpec spec, TrainingSpec training, DatasetInfo data, long evaluationRows);

    /**
     * Whether its models can send and learn a model's internals (attention, relations, hidden states), with ramped
     * weights and an auxiliary layer; otherwise a learner of this family takes labels and logits terms only.
     */
    default boolean learnsInternals() {
        return false;
    }

    /** Rows one of its models holds activations for at once when the evaluation hands it {@code rows} (it may go in chunks). */
    default long evaluationRows(long rows) {
        return rows;
    }
}
