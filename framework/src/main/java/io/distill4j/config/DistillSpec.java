package io.distill4j.config;

/**
 * What to distil and when: soft-target temperature, the weight {@code alpha} of the soft loss, the
 * publishing period in teacher steps, and the burn-in steps during which every model learns from labels
 * only (an untrained teacher's targets are noise).
 */
public record DistillSpec(Double temperature, Double alpha, Integer period, Integer burnInSteps) {
    public DistillSpec {
        if (temperature == null) temperature = 4.0;
        if (alpha == null) alpha = 0.7;
        if (period == null) period = 1;
        if (burnInSteps == null) burnInSteps = 0;
    }
}
