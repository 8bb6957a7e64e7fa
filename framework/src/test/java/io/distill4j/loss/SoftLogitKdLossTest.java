package io.distill4j.loss;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SoftLogitKdLossTest {
    private static final int C = 4;
    private static final int B = 6;

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void floatPrecision() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private static INDArray labels(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray target = Nd4j.randn(DataType.DOUBLE, B, C).muli(3);
        INDArray oneHot = Nd4j.zeros(DataType.DOUBLE, B, C);
        for (int i = 0; i < B; i++) oneHot.putScalar(i, (i * 3) % C, 1.0);
        return Nd4j.hstack(target, oneHot);
    }

    /** Central finite differences of the loss itself against computeGradient, element by element. */
    @ParameterizedTest(name = "T={0} alpha={1}")
    @CsvSource({"1.0,0.0", "1.0,1.0", "4.0,0.7", "2.5,0.3", "10.0,0.5"})
    void analyticGradientMatchesFiniteDifferences(double t, double alpha) {
        SoftLogitKdLoss loss = new SoftLogitKdLoss(t, alpha, C);
        INDArray y = labels(7);
        Nd4j.getRandom().setSeed(11);
        INDArray z = Nd4j.randn(DataType.DOUBLE, B, C).muli(2);
        ActivationIdentity id = new ActivationIdentity();
        INDArray analytic = loss.computeGradient(y, z, id, null);
        double eps = 1e-6;
        double maxRel = 0;
        for (int i = 0; i < B; i++) {
            for (int j = 0; j < C; j++) {
                double orig = z.getDouble(i, j);
                z.putScalar(i, j, orig + eps);
                double plus = loss.computeScore(y, z, id, null, false);
                z.putScalar(i, j, orig - eps);
                double minus = loss.computeScore(y, z, id, null, false);
                z.putScalar(i, j, orig);
                double numeric = (plus - minus) / (2 * eps);
                double a = analytic.getDouble(i, j);
                double rel = Math.abs(a - numeric) / Math.max(1e-8, Math.abs(a) + Math.abs(numeric));
                if (Math.abs(a - numeric) > 1e-9) maxRel = Math.max(maxRel, rel);
            }
        }
        assertThat(maxRel).isLessThan(1e-6);
    }

    /** DL4J's own gradient check through a network whose head is Dense(IDENTITY) + LossLayer(KD), in DOUBLE. */
    @ParameterizedTest(name = "T={0} alpha={1}")
    @CsvSource({"4.0,0.7", "1.0,1.0", "2.0,0.0"})
    void networkGradientCheckPasses(double t, double alpha) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(6).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(6).nOut(C).activation(Activation.IDENTITY).build())
                .layer(new LossLayer.Builder().lossFunction(new SoftLogitKdLoss(t, alpha, C)).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, B, 5);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(labels(9))
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
        assertThat(ok).isTrue();
    }

    @Test
    void softTermVanishesWhenStudentMatchesTarget() {
        INDArray y = labels(1);
        INDArray z = y.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, C)).dup();
        SoftLogitKdLoss pureSoft = new SoftLogitKdLoss(3.0, 1.0, C);
        assertThat(pureSoft.computeScore(y, z, new ActivationIdentity(), null, true)).isCloseTo(0.0, within(1e-12));
        // a shifted copy of the target gives the same softmax: still zero
        assertThat(pureSoft.computeScore(y, z.add(5.0), new ActivationIdentity(), null, true)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void alphaZeroIsPlainCrossEntropy() {
        INDArray y = labels(2);
        Nd4j.getRandom().setSeed(4);
        INDArray z = Nd4j.randn(DataType.DOUBLE, B, C);
        double ce = 0;
        for (int i = 0; i < B; i++) {
            double max = z.getRow(i).maxNumber().doubleValue();
            double lse = Math.log(Math.exp(z.getDouble(i, 0) - max) + Math.exp(z.getDouble(i, 1) - max)
                    + Math.exp(z.getDouble(i, 2) - max) + Math.exp(z.getDouble(i, 3) - max)) + max;
            ce += lse - z.getDouble(i, (i * 3) % C);
        }
        assertThat(new SoftLogitKdLoss(4.0, 0.0, C).computeScore(y, z, new ActivationIdentity(), null, true))
                .isCloseTo(ce / B, within(1e-10));
    }

    @Test
    void rejectsLabelsOfTheWrongWidth() {
        SoftLogitKdLoss loss = new SoftLogitKdLoss(4.0, 0.5, C);
        INDArray z = Nd4j.zeros(DataType.DOUBLE, B, C);
        assertThatThrownBy(() -> loss.computeGradient(Nd4j.zeros(DataType.DOUBLE, B, C), z, new ActivationIdentity(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels [batch, 8]");
    }
}
