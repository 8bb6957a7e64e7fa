package io.distill4j.report;

import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.cache.CacheWriter;
import io.distill4j.data.cache.FeatureCache;
import io.distill4j.data.user.Part;
import io.distill4j.model.Head;
import io.distill4j.model.TrainableModel;
import io.distill4j.model.dl4j.Dl4jModel;
import io.distill4j.model.dl4j.NetworkFactory;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The test report from a mapped split: the same figures as from the same examples in memory. */
class EvaluatorCacheTest {
    @TempDir
    Path tmp;

    @Test
    void aMappedSplitEvaluatesExactlyAsTheSameSplitInMemory() throws IOException {
        int n = 2500;   // more than one evaluation batch, and a partial last one
        Random r = new Random(3);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(3);
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 16);
        LabeledSplit memory = new LabeledSplit(x, labels, 3);
        try (CacheWriter w = FeatureCache.writer(tmp.resolve("c"))) {
            w.begin(16);
            for (int i = 0; i < n; i++) w.add(Part.TEST, x.getRow(i).toFloatVector(), labels[i]);
            w.commit(3, null);
        }
        LabeledSplit mapped = FeatureCache.open(tmp.resolve("c")).orElseThrow().part(Part.TEST);
        TrainableModel model = new Dl4jModel(new NetworkFactory(3, 4, 4, 1, DataType.FLOAT).build(new ModelSpec("m", "mlp", List.of(8),
                List.of(), new OptimizerSpec("adam", 0.01, null), 0.0, ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null), Head.LABELS, 2, 0.5, 9),
                "m", TrainingSteps.FUSED, Precision.FP32);
        Evaluator.Predictions a = new Evaluator(memory).predict(model);
        Evaluator.Predictions b = new Evaluator(mapped).predict(model);
        assertThat(b.classes()).containsExactly(a.classes());
        assertThat(b.meanLoss()).isEqualTo(a.meanLoss());
        ModelEvaluation ea = new Evaluator(memory).evaluate(a, null);
        ModelEvaluation eb = new Evaluator(mapped).evaluate(b, null);
        assertThat(eb.accuracy()).isEqualTo(ea.accuracy());
        assertThat(new InferenceBenchmark(0, 1).measure(model, mapped).samplesPerSecondBatch128()).isPositive();
    }
}
