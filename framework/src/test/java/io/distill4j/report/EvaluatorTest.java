package io.distill4j.report;

import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.data.LabeledSplit;
import io.distill4j.model.Head;
import io.distill4j.step.Logits;
import io.distill4j.model.dl4j.Dl4jModel;
import io.distill4j.model.dl4j.NetworkFactory;
import io.distill4j.step.TrainingSteps;
import io.distill4j.step.Precision;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EvaluatorTest {
    @Test
    void predictionsAndLossAreThoseOfTheNetworksLogits() {
        int n = 2500;   // more than one evaluation batch, and a partial last one
        Random r = new Random(3);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(3);
        Nd4j.getRandom().setSeed(4);
        LabeledSplit split = new LabeledSplit(Nd4j.rand(DataType.FLOAT, n, 16), labels, 3);
        MultiLayerNetwork net = new NetworkFactory(3, 4, 4, 1, DataType.FLOAT).build(new ModelSpec("m", "mlp", List.of(8),
                List.of(), new OptimizerSpec("adam", 0.01, null), 0.0, ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null), Head.LABELS, 2, 0.5, 9);
        Evaluator.Predictions p = new Evaluator(split).predict(new Dl4jModel(net, "m", TrainingSteps.FUSED, Precision.FP32));
        INDArray logits = Logits.inference(net, split.features()).castTo(DataType.DOUBLE);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            INDArray row = logits.getRow(i);
            assertThat(p.classes()[i]).as("example " + i).isEqualTo(row.argMax().getInt(0));
            double max = row.maxNumber().doubleValue();
            loss += max + Math.log(org.nd4j.linalg.ops.transforms.Transforms.exp(row.sub(max), false).sumNumber().doubleValue())
                    - row.getDouble(labels[i]);
        }
        assertThat(p.meanLoss()).isCloseTo(loss / n, within(1e-5));
        assertThat(p.meanLoss()).isGreaterThan(0.5);   // an untrained 3-class model: near ln 3
    }
}
