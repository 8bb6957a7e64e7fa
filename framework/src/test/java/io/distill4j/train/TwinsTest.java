package io.distill4j.train;

import io.distill4j.config.DistillSpec;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.distill4j.train.SyntheticData.mlp;
import static org.assertj.core.api.Assertions.assertThat;

/** Scratch twins: same initial weights, same batches, labels alone, bitwise the student trained alone on labels. */
class TwinsTest {
    private static final LabeledSplit TRAIN = SyntheticData.split(640, 3);
    private static final ModelFactory FACTORY = new ModelFactory(SyntheticData.CLASSES, InputShape.image(SyntheticData.SIDE,
            SyntheticData.SIDE, 1), Integer.MAX_VALUE, TrainingSteps.FUSED, Precision.FP32);
    private static final long SEED = 7;

    /** Teacher → assistant → two students (one with dropout), with twins. */
    private static ModelsSpec ladder() {
        return new ModelsSpec(mlp("teacher", "labels", 0.2, ModelSpec.TRAINING_PASS, 32, 32),
                mlp("assistant", "teacher", 0.0, ModelSpec.TRAINING_PASS, 16),
                List.of(mlp("s-8", "assistant", 0.1, ModelSpec.TRAINING_PASS, 8),
                        mlp("s-4", "teacher", 0.0, ModelSpec.TRAINING_PASS, 4)));
    }

    /** The same two students, first in another order, on labels alone and with no teacher (a scratch config). */
    private static ModelsSpec scratch() {
        return new ModelsSpec(null, null, List.of(mlp("s-4", "labels", 0.0, ModelSpec.TRAINING_PASS, 4),
                mlp("s-8", "labels", 0.1, ModelSpec.TRAINING_PASS, 8)));
    }

    private static float[] params(Participant p) {
        return OnlineTrainerTest.net(p.model()).params().dup().data().asFloat();
    }

    private static Participant named(List<Participant> ps, String name) {
        return ps.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyDistilledStudentGetsOneTwinAfterTheStudents() {
        List<Participant> ps = Participants.build(ladder(), new DistillSpec(2.0, 0.5, 1, 0, true, 0.0), SEED, FACTORY);
        assertThat(ps).extracting(Participant::name)
                .containsExactly("teacher", "assistant", "s-8", "s-4", "s-8.twin", "s-4.twin");
        Participant twin = named(ps, "s-8.twin");
        assertThat(twin.role()).isEqualTo(Role.TWIN);
        assertThat(twin.source()).isNull();
        assertThat(twin.publishes()).isFalse();
        assertThat(twin.identity()).isEqualTo("s-8");
        // a student that already learns from labels needs no twin
        ModelsSpec mixed = new ModelsSpec(ladder().teacher(), null, List.of(mlp("s-4", "labels", 0.0, ModelSpec.TRAINING_PASS, 4)));
        assertThat(Participants.build(mixed, new DistillSpec(2.0, 0.5, 1, 0, true, 0.0), SEED, FACTORY))
                .extracting(Participant::name).containsExactly("teacher", "s-4");
        assertThat(Participants.build(ladder(), new DistillSpec(2.0, 0.5, 1, 0, false, 0.0), SEED, FACTORY)).hasSize(4);
    }

    @Test
    void initialWeightsDependOnNameAndSeedNotOnPosition() {
        List<Participant> online = Participants.build(ladder(), new DistillSpec(2.0, 0.5, 1, 0, true, 0.0), SEED, FACTORY);
        List<Participant> alone = Participants.build(scratch(), new DistillSpec(2.0, 0.5, 1, 0, false, 0.0), SEED, FACTORY);
        for (String s : List.of("s-8", "s-4")) {
            assertThat(Arrays.equals(params(named(online, s)), params(named(alone, s)))).as(s + " vs scratch config").isTrue();
            assertThat(Arrays.equals(params(named(online, s)), params(named(online, s + ".twin")))).as(s + " vs its twin").isTrue();
        }
        List<Participant> otherSeed = Participants.build(scratch(), new DistillSpec(2.0, 0.5, 1, 0, false, 0.0), SEED + 1, FACTORY);
        assertThat(Arrays.equals(params(named(alone, "s-8")), params(named(otherSeed, "s-8")))).isFalse();
        assertThat(Participants.initSeed(SEED, "a")).isNotEqualTo(Participants.initSeed(SEED, "b"))
                .isNotEqualTo(Participants.initSeed(SEED + 1, "a"));
    }

    @ParameterizedTest(name = "engine {0}, parallel {1}")
    @CsvSource({"fused,false", "fused,true", "dl4j,false"})
    void aTrainedTwinIsBitwiseTheStudentTrainedAloneOnLabels(String engine, boolean parallel) {
        DistillSpec distill = new DistillSpec(2.0, 0.5, 1, 3, true, 0.0);
        OnlineTrainer online = new OnlineTrainer(Participants.build(ladder(), distill, SEED, FACTORY.withEngine(engine)), TRAIN, distill,
                2, 32, SEED, parallel);
        DistillSpec none = new DistillSpec(2.0, 0.5, 1, 3, false, 0.0);
        OnlineTrainer alone = new OnlineTrainer(Participants.build(scratch(), none, SEED, FACTORY.withEngine(engine)), TRAIN, none,
                2, 32, SEED, parallel);
        online.run();
        alone.run();
        for (String s : List.of("s-8", "s-4")) {
            float[] twin = params(named(online.participants(), s + ".twin"));
            assertThat(Arrays.equals(twin, params(named(alone.participants(), s)))).as(s + ".twin vs " + s + " alone").isTrue();
            // the student itself learned from soft targets, so it is elsewhere by now: the twin is a real control
            assertThat(Arrays.equals(twin, params(named(online.participants(), s)))).as(s + " moved away from its twin").isFalse();
        }
    }

    @Test
    void twinsDoNotChangeAnyOtherModel() {
        DistillSpec with = new DistillSpec(2.0, 0.5, 1, 3, true, 0.0);
        DistillSpec without = new DistillSpec(2.0, 0.5, 1, 3, false, 0.0);
        OnlineTrainer a = new OnlineTrainer(Participants.build(ladder(), with, SEED, FACTORY.withEngine(TrainingSteps.FUSED)), TRAIN, with,
                1, 32, SEED, false);
        OnlineTrainer b = new OnlineTrainer(Participants.build(ladder(), without, SEED, FACTORY.withEngine(TrainingSteps.FUSED)), TRAIN, without,
                1, 32, SEED, false);
        a.run();
        b.run();
        for (Participant p : b.participants()) {
            assertThat(Arrays.equals(params(p), params(named(a.participants(), p.name())))).as(p.name()).isTrue();
        }
    }
}
