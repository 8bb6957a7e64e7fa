package io.distill4j.checkpoint;

import io.distill4j.data.EpochCursor;

/**
 * Everything besides the networks that decides how training continues. The dropout RNG and the shuffle
 * order are derived from (seed, step) and (seed, epoch), burn-in and alpha from the step, and signals never
 * outlive the step that published them, so this is all a checkpoint needs for an exact resume.
 */
public record TrainerState(long step, long totalSteps, EpochCursor.State cursor, long seed, String configHash,
                           double trainingSeconds) {
}
