package io.distill4j.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResumePolicyTest {
    private static RunConfig config(String schedule) {
        ModelSpec teacher = new ModelSpec("teacher", "mlp", List.of(8), null, new OptimizerSpec("adam", 1e-3, schedule), null,
                null, null, null, null);
        return new RunConfig("x", null, new DataSpec("mnist", "/d", null, null, null), new ModelsSpec(teacher, null, List.of()),
                null, null, null, null);
    }

    @Test
    void trainingSettingsMayChangeWhatTheCheckpointHoldsMayNot() {
        RunConfig c = config("constant");
        assertThat(ResumePolicy.refusals(c, List.of("training.epochs", "distill.alpha", "models.students[2].temperature",
                "checkpoint.keep", "data.root"))).isEmpty();
        assertThat(ResumePolicy.refusals(c, List.of("models.teacher.hidden", "models.students[0].optimizer.learningRate",
                "training.batchSize", "training.seed", "data.trainLimit", "distill.twins", "name", "models.students")))
                .hasSize(8)
                .anySatisfy(r -> assertThat(r).startsWith("models.teacher.hidden (the models' architecture"))
                .anySatisfy(r -> assertThat(r).startsWith("data.trainLimit (the data split"));
    }

    @Test
    void moreEpochsAreRefusedWhenALinearScheduleWasLaidOutForTheOldNumber() {
        assertThat(ResumePolicy.refusals(config("linear"), List.of("training.epochs")))
                .containsExactly("training.epochs (a linear learning-rate schedule was laid out for the original number of steps)");
    }
}
