package io.distill4j.optim;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The heap rule against ND4J's own Adam over three steps: the parameters every engine's loop writes are ND4J's. */
class AdamRuleTest {
    @Test
    void threeStepsMatchNd4jsAdam() {
        int n = 37;
        Nd4j.getRandom().setSeed(3);
        INDArray params = Nd4j.randn(DataType.FLOAT, 1, n);
        float[] p = params.toFloatVector();
        float[] m = new float[n];
        float[] v = new float[n];
        AdamUpdater nd4j = new AdamUpdater(new Adam(0.01, 0.9, 0.999, 1e-8));
        nd4j.setStateViewArray(Nd4j.zeros(DataType.FLOAT, 1, 2L * n), new long[]{1, n}, 'c', true);
        for (int t = 0; t < 3; t++) {
            INDArray grad = Nd4j.randn(DataType.FLOAT, 1, n).muli(t + 1);
            float[] g = grad.toFloatVector();
            nd4j.applyUpdater(grad, t, 0);
            params.subi(grad);
            AdamRule.update(p, m, v, g, 0, n, 0.9f, 0.999f, 1e-8f, AdamRule.correctedStep(0.01, 0.9, 0.999, 1e-8, t + 1));
        }
        float[] expected = params.toFloatVector();
        for (int i = 0; i < n; i++) assertThat(p[i]).isCloseTo(expected[i], within(2e-6f));
        assertThat(p[0]).isNotEqualTo(0f);
    }

    @Test
    void aDegenerateBiasCorrectionFallsBackToEpsilonAsNd4jDoes() {
        assertThat(AdamRule.correctedStep(0.0, 0.9, 0.999, 1e-8, 1)).isEqualTo(1e-8f);
        assertThat(AdamRule.correctedStep(0.001, 0.9, 0.999, 1e-8, 1)).isCloseTo((float) (0.001 * Math.sqrt(0.001) / 0.1), within(1e-9f));
    }
}
