package io.distill4j.train;

import io.distill4j.config.DistillSpec;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.cache.CacheWriter;
import io.distill4j.data.cache.FeatureCache;
import io.distill4j.data.user.Part;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.distill4j.train.SyntheticData.mlp;
import static org.assertj.core.api.Assertions.assertThat;

/** Online training from a memory-mapped split takes exactly the steps it takes from the same rows in memory. */
class OnlineTrainerFromCacheTest {
    @TempDir
    Path tmp;

    private static final ModelFactory FACTORY = new ModelFactory(SyntheticData.CLASSES, InputShape.image(SyntheticData.SIDE,
            SyntheticData.SIDE, 1), Integer.MAX_VALUE, TrainingSteps.FUSED, Precision.FP32);

    private static List<StepRecord> steps(LabeledSplit train, int n) {
        ModelsSpec models = new ModelsSpec(mlp("teacher", "labels", 0.0, ModelSpec.TRAINING_PASS, 32, 32), null,
                List.of(mlp("s1", "teacher", 0.0, ModelSpec.TRAINING_PASS, 8), mlp("s2", "teacher", 0.0, ModelSpec.TRAINING_PASS, 4)));
        DistillSpec distill = new DistillSpec(2.0, 0.7, 1, 2, false, 0.0);
        OnlineTrainer t = new OnlineTrainer(Participants.build(models, distill, 42, FACTORY), train, distill, 2, 32, 42, false);
        List<StepRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(t.advance());
        return out;
    }

    @Test
    void lossesAreBitwiseThoseOfTheInMemorySplit() throws IOException {
        LabeledSplit memory = SyntheticData.split(640, 1);
        try (CacheWriter w = FeatureCache.writer(tmp.resolve("c"))) {
            w.begin(memory.width());
            float[] x = memory.features().data().asFloat();
            for (int i = 0; i < memory.size(); i++) {
                w.add(Part.TRAIN, java.util.Arrays.copyOfRange(x, i * memory.width(), (i + 1) * memory.width()), memory.labels()[i]);
            }
            w.commit(SyntheticData.CLASSES, null);
        }
        LabeledSplit mapped = FeatureCache.open(tmp.resolve("c")).orElseThrow().part(Part.TRAIN);
        List<StepRecord> a = steps(memory, 25);   // past an epoch (20 steps of 32)
        List<StepRecord> b = steps(mapped, 25);
        for (int i = 0; i < a.size(); i++) assertThat(b.get(i).losses()).as("step " + (i + 1)).isEqualTo(a.get(i).losses());
        assertThat(b.get(24).losses()).containsOnlyKeys("teacher", "s1", "s2");
    }
}
