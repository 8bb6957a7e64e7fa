package io.distill4j.report;

import java.util.Map;

/** Every model's test figures at one step (keyed by model name, in step order). */
public record EvaluationRecord(long step, Map<String, ModelEvaluation> models) {
}
