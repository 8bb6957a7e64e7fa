package io.distill4j.config;

/**
 * How long and how: epochs, batch size, the seed of everything random, cadence of evaluation and logging (steps;
 * 0 = at the end only), whether the assistant and students run on a second thread beside the teacher, and which
 * training-step engine runs the arithmetic ({@code fused}: the fused MLP step where possible; {@code dl4j}: DL4J's fit), and
 * in which precision the fused step's products run ({@code fp32}, the default; {@code bf16}: bf16 operands, fp32
 * accumulation, fp32 weights and optimizer state, on CPUs with bf16 units; io.distill4j.step.Precision).
 */
public record TrainingSpec(Integer epochs, Integer batchSize, Long seed, Integer evalEvery, Integer logEvery, Boolean parallel,
                           String engine, String precision) {
    public TrainingSpec {
        if (epochs == null) epochs = 1;
        if (batchSize == null) batchSize = 128;
        if (seed == null) seed = 42L;
        if (evalEvery == null) evalEvery = 0;
        if (logEvery == null) logEvery = 50;
        if (parallel == null) parallel = false;
        if (engine == null) engine = "fused";
        if (precision == null) precision = "fp32";
    }
}
