package io.distill4j.config;

/**
 * What to distil and when: soft-target temperature, the weight {@code alpha} of the soft loss, the
 * publishing period in teacher steps, and the burn-in steps during which every model learns from labels
 * only (an untrained teacher's targets are noise). With {@code twins}, every student that learns from a
 * publisher gets a scratch twin in the same run: same architecture, same initial weights, same batches, labels
 * alone, so the report can say what distillation bought each student. With {@code temporalEnsemble} (a decay in
 * [0, 1); 0 = off) a publisher sends, per example, the moving average of its training-pass logits over the epochs
 * instead of the latest ones (see {@code signal.TemporalEnsemble}). {@code terms} is every learner's loss as a weighted
 * sum of named terms ({@link TermSpec}); without it a learner's loss is {@code [labels: 1 - alpha, logits: alpha, T]}.
 */
public record DistillSpec(@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          Double temperature,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          Double alpha, Integer period, Integer burnInSteps, Boolean twins,
                          Double temporalEnsemble,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          java.util.List<TermSpec> terms) {
    public DistillSpec {
        // with terms, alpha and temperature mean nothing (each term has its own weight and temperature): no defaults, so
        // the resolved config (a run's config.yaml, validate --print) holds neither and loads again (the loader refuses
        // either beside terms); without terms both default as before, so old configs hash as before
        if (temperature == null && terms == null) temperature = 4.0;
        if (alpha == null && terms == null) alpha = 0.7;
        if (period == null) period = 1;
        if (burnInSteps == null) burnInSteps = 0;
        if (twins == null) twins = false;
        if (temporalEnsemble == null) temporalEnsemble = 0.0;
    }

    /** Without loss terms: the learners' loss is (1 - alpha) CE + alpha T^2 KL. */
    public DistillSpec(Double temperature, Double alpha, Integer period, Integer burnInSteps, Boolean twins, Double temporalEnsemble) {
        this(temperature, alpha, period, burnInSteps, twins, temporalEnsemble, null);
    }
}
