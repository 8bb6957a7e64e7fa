package io.distill4j.train;

import io.distill4j.config.DistillSpec;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.TrainableModel;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrentStepTest {
    private static final int LENGTH = 8;
    private static final int VOCABULARY = 12;
    private static final long SEED = 7;

    @Test
    void everyModelRunsOnceAndNeverBeforeTheOneItWaitsFor() {
        // teacher, assistant <- teacher, two students <- assistant, a twin per student, a label learner
        int[] waitsFor = {-1, 0, 1, 1, -1, -1, -1};
        for (int round = 0; round < 50; round++) {
            List<Integer> started = Collections.synchronizedList(new ArrayList<>());
            Set<Integer> done = ConcurrentHashMap.newKeySet();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            List<String> violations = Collections.synchronizedList(new ArrayList<>());
            ConcurrentStep.run(waitsFor, i -> {
                if (waitsFor[i] >= 0 && !done.contains(waitsFor[i])) violations.add(i + " began before " + waitsFor[i] + " ended");
                started.add(i);
                threads.add(Thread.currentThread().getName());
                busy(i == 0 ? 3 : 1);
                done.add(i);
            });
            assertThat(violations).isEmpty();
            assertThat(started).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
            if (Runtime.getRuntime().availableProcessors() >= 2 && round == 49) {
                assertThat(threads).as("both cores took models").hasSize(2);
            }
        }
    }

    @Test
    void aFailureStopsTheHandOutAndTheLowestNumberedModelsFailureIsRethrown() {
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> ConcurrentStep.run(new int[]{-1, 0, 1, 2}, i -> {
            ran.incrementAndGet();
            if (i == 1) throw new IllegalStateException("model 1 diverged");
        })).isInstanceOf(IllegalStateException.class).hasMessage("model 1 diverged");
        assertThat(ran.get()).as("models waiting for the failed one never start").isEqualTo(2);
        assertThatThrownBy(() -> ConcurrentStep.run(new int[]{-1, -1, -1}, i -> {
            busy(i == 0 ? 20 : 0);
            throw new IllegalArgumentException("failed " + i);
        })).hasMessage("failed 0");
        assertThatThrownBy(() -> ConcurrentStep.run(new int[]{-1, 1}, i -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("waits for a later model");
        AssertionError error = new AssertionError("an Error too");
        assertThatThrownBy(() -> ConcurrentStep.run(new int[]{-1, -1}, i -> {
            if (i == 1) throw error;
        })).isSameAs(error);
    }

    private static ModelSpec transformer(String name, String learnsFrom, int hidden, int layers, double dropout) {
        return new ModelSpec(name, "transformer", List.of(hidden), null, new OptimizerSpec("adam", 0.003, null), dropout,
                learnsFrom, ModelSpec.TRAINING_PASS, null, null, layers, 2, 2 * hidden, "pre", "mean");
    }

    private static ModelsSpec ladder() {
        return new ModelsSpec(transformer("teacher", "labels", 16, 2, 0.1), transformer("assistant", "teacher", 8, 1, 0.1),
                List.of(transformer("s1", "assistant", 8, 1, 0.1), transformer("s2", "assistant", 4, 1, 0.0),
                        transformer("s3", "labels", 4, 1, 0.1)));
    }

    private static LabeledSplit textData(int n) {
        return SyntheticData.tokenCounts(n, LENGTH, VOCABULARY);
    }

    private static OnlineTrainer trainer(LabeledSplit train, DistillSpec distill, boolean parallel) {
        ModelFactory factory = new ModelFactory(2, InputShape.text(LENGTH, VOCABULARY), Integer.MAX_VALUE, TrainingSteps.FUSED, Precision.FP32);
        return new OnlineTrainer(Participants.build(ladder(), distill, SEED, factory), train, distill, 2, 16, SEED, parallel);
    }

    private static byte[] saved(TrainableModel model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            model.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Twins, burn-in, off-period steps and both cores: the parallel ladder is the sequential one, bit for bit. */
    @Test
    void transformersFittingOnBothCoresGiveBitwiseTheSequentialResult() {
        LabeledSplit train = textData(96);
        for (int period : new int[]{1, 2}) {
            DistillSpec distill = new DistillSpec(2.0, 0.5, period, 2, true, 0.0);
            OnlineTrainer parallel = trainer(train, distill, true);
            OnlineTrainer sequential = trainer(train, distill, false);
            assertThat(parallel.participants()).as("5 models and the twins of s1 and s2").hasSize(7);
            assertThat(parallel.participants()).allMatch(p -> p.model().fitsConcurrently());
            for (int i = 0; i < 8; i++) {
                StepRecord a = parallel.advance();
                StepRecord b = sequential.advance();
                assertThat(a.losses()).as("period %d step %d", period, a.step()).isEqualTo(b.losses());
                assertThat(List.copyOf(a.losses().keySet())).as("losses in participant order").isEqualTo(List.copyOf(b.losses().keySet()));
            }
            for (int i = 0; i < parallel.participants().size(); i++) {
                assertThat(saved(parallel.participants().get(i).model()))
                        .as("period " + period + " " + parallel.participants().get(i).name())
                        .isEqualTo(saved(sequential.participants().get(i).model()));
            }
        }
    }

    private static void busy(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < until) Thread.onSpinWait();
    }
}
