package io.distill4j.train;

import java.util.Map;

/**
 * What happened in one online step: the loss of every model that stepped (keyed by name, in step order),
 * each term's unweighted value per model that tracks them (transformers), whether soft targets were in use (false during burn-in) and published this step, and whether it ended an epoch.
 */
public record StepRecord(long step, int epoch, long totalSteps, Map<String, Double> losses, Map<String, Map<String, Double>> terms,
                         boolean burnIn, boolean published, boolean epochEnd) {
    /** Without per-term values. */
    public StepRecord(long step, int epoch, long totalSteps, Map<String, Double> losses, boolean burnIn, boolean published, boolean epochEnd) {
        this(step, epoch, totalSteps, losses, Map.of(), burnIn, published, epochEnd);
    }
}
