package io.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The whole run: what data, which models, how to distil, how to train, where to write. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunConfig(String name, String recipe, DataSpec data, ModelsSpec models, DistillSpec distill,
                        TrainingSpec training, CheckpointSpec checkpoint, OutputSpec output) {
    public static final String DEFAULT_RECIPE = "online";

    public RunConfig {
        if (recipe == null) recipe = DEFAULT_RECIPE;
        if (distill == null) distill = new DistillSpec(null, null, null, null, null, null);
        if (training == null) training = new TrainingSpec(null, null, null, null, null, null, null, null);
        if (checkpoint == null) checkpoint = new CheckpointSpec(null, null, null);
        if (output == null) output = new OutputSpec(null);
    }
}
