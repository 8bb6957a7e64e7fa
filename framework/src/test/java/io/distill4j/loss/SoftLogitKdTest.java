package io.distill4j.loss;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The fused step's loss kernel: finite differences in double, and agreement with the DL4J loss function. */
class SoftLogitKdTest {
    private static final int B = 5;
    private static final int C = 4;

    private static double[] randn(long seed, double scale) {
        Random r = new Random(seed);
        double[] v = new double[B * C];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian() * scale;
        return v;
    }

    private static double[] oneHot() {
        double[] y = new double[B * C];
        for (int i = 0; i < B; i++) y[i * C + (i * 3) % C] = 1;
        return y;
    }

    @ParameterizedTest(name = "T={0} alpha={1} targets={2}")
    @CsvSource({"1.0,0.0,true", "1.0,1.0,true", "4.0,0.7,true", "2.5,0.3,true", "10.0,0.5,true", "2.0,0.7,false"})
    void gradientMatchesCentralFiniteDifferences(double t, double alpha, boolean withTargets) {
        double[] z = randn(11, 2);
        double[] y = oneHot();
        double[] target = withTargets ? randn(7, 3) : null;
        double[] analytic = new double[B * C];
        SoftLogitKd.lossAndGradient(z, y, target, B, C, t, alpha, analytic);
        double[] scratch = new double[B * C];
        double eps = 1e-6;
        double maxRel = 0;
        for (int i = 0; i < z.length; i++) {
            double orig = z[i];
            z[i] = orig + eps;
            double plus = SoftLogitKd.lossAndGradient(z, y, target, B, C, t, alpha, scratch);
            z[i] = orig - eps;
            double minus = SoftLogitKd.lossAndGradient(z, y, target, B, C, t, alpha, scratch);
            z[i] = orig;
            double numeric = (plus - minus) / (2 * eps);
            double rel = Math.abs(analytic[i] - numeric) / Math.max(1e-8, Math.abs(analytic[i]) + Math.abs(numeric));
            if (Math.abs(analytic[i] - numeric) > 1e-9) maxRel = Math.max(maxRel, rel);
        }
        assertThat(maxRel).isLessThan(1e-6);
    }

    /** Same loss and gradient as the ILossFunction DL4J's fit uses (which sums per example; this is the mean). */
    @ParameterizedTest(name = "T={0} alpha={1}")
    @CsvSource({"4.0,0.7", "1.0,0.0", "2.0,1.0"})
    void agreesWithTheDl4jLossFunction(double t, double alpha) {
        double[] z = randn(3, 2);
        double[] y = oneHot();
        double[] target = randn(4, 3);
        double[] gradient = new double[B * C];
        double loss = SoftLogitKd.lossAndGradient(z, y, target, B, C, t, alpha, gradient);
        INDArray zz = Nd4j.create(z, new long[]{B, C}, 'c');
        INDArray labels = Nd4j.hstack(Nd4j.create(target, new long[]{B, C}, 'c'), Nd4j.create(y, new long[]{B, C}, 'c'));
        SoftLogitKdLoss reference = new SoftLogitKdLoss(t, alpha, C);
        ActivationIdentity id = new ActivationIdentity();
        assertThat(loss).isCloseTo(reference.computeScore(labels, zz, id, null, true), within(1e-12));
        INDArray expected = reference.computeGradient(labels, zz, id, null).div(B);
        for (int i = 0; i < B * C; i++) {
            assertThat(gradient[i]).isCloseTo(expected.getDouble(i / C, i % C), within(1e-12));
        }
        assertThat(expected.dataType()).isEqualTo(DataType.DOUBLE);
    }
}
