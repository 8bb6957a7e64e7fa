package io.distill4j.recipes;

import io.distill4j.report.RunReport;

import java.nio.file.Path;

/** How a run ended: completed with a report, or stopped early (interrupt) at a step with its checkpoint. */
public record RunOutcome(boolean completed, long step, long totalSteps, RunReport report, Path lastCheckpoint,
                         double trainingSeconds) {
}
