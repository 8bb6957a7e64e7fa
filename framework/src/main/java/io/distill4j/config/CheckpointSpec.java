package io.distill4j.config;

/**
 * When to checkpoint the whole run: every {@code every} steps (0 = not by step count), at the end of each
 * epoch, and always on SIGINT/SIGTERM; {@code keep} is how many complete checkpoints to retain.
 */
public record CheckpointSpec(Integer every, Boolean atEpochEnd, Integer keep) {
    public CheckpointSpec {
        if (every == null) every = 0;
        if (atEpochEnd == null) atEpochEnd = true;
        if (keep == null) keep = 3;
    }
}
