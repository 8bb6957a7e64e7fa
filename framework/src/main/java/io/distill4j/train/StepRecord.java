package io.distill4j.train;

import java.util.Map;

/**
 * What happened in one online step: the loss of every model that stepped (keyed by name, in step order),
 * whether soft targets were in use (false during burn-in) and published this step, and whether it ended an epoch.
 */
public record StepRecord(long step, int epoch, long totalSteps, Map<String, Double> losses, boolean burnIn,
                         boolean published, boolean epochEnd) {
}
