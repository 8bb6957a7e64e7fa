package io.distill4j.signal;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TemporalEnsembleTest {
    private static INDArray rows(float[][] v) {
        return Nd4j.create(v).castTo(DataType.FLOAT);
    }

    @Test
    void firstVisitStoresTheLogitsThenEachVisitBlendsWithTheDecay() {
        TemporalEnsemble memory = new TemporalEnsemble(4, 2, 0.75);
        INDArray first = memory.update(new int[]{2, 0}, rows(new float[][]{{4, 0}, {1, 1}}));
        assertThat(first.toFloatMatrix()).isDeepEqualTo(new float[][]{{4, 0}, {1, 1}});
        // example 2 again (now row 1), example 3 for the first time
        INDArray second = memory.update(new int[]{3, 2}, rows(new float[][]{{-1, 2}, {0, 8}}));
        assertThat(second.getFloat(0, 0)).isEqualTo(-1f);
        assertThat(second.getFloat(0, 1)).isEqualTo(2f);
        assertThat((double) second.getFloat(1, 0)).isCloseTo(0.75 * 4 + 0.25 * 0, within(1e-6));
        assertThat((double) second.getFloat(1, 1)).isCloseTo(0.75 * 0 + 0.25 * 8, within(1e-6));
        // example 0 keeps what it had; the returned rows are a copy the memory does not share
        second.putScalar(1, 0, 99f);
        assertThat((double) memory.update(new int[]{0}, rows(new float[][]{{1, 1}})).getFloat(0, 0)).isCloseTo(1.0, within(1e-6));
        assertThat((double) memory.update(new int[]{2}, rows(new float[][]{{3, 2}})).getFloat(0, 0)).isCloseTo(0.75 * 3 + 0.25 * 3, within(1e-6));
    }

    @Test
    void decayZeroIsTheLatestLogitsAndBadDecaysAreRefused() {
        TemporalEnsemble latest = new TemporalEnsemble(2, 2, 0.0);
        latest.update(new int[]{1}, rows(new float[][]{{5, 5}}));
        assertThat(latest.update(new int[]{1}, rows(new float[][]{{1, 2}})).toFloatVector()).containsExactly(1f, 2f);
        assertThatThrownBy(() -> new TemporalEnsemble(2, 2, 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> latest.update(new int[]{0, 1}, rows(new float[][]{{1, 2}}))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writtenMemoryReadsBackIntoTheSameState() throws IOException {
        TemporalEnsemble a = new TemporalEnsemble(3, 2, 0.5);
        a.update(new int[]{0, 2}, rows(new float[][]{{1, 2}, {3, 4}}));
        byte[] bytes = a.toBytes();
        TemporalEnsemble b = new TemporalEnsemble(3, 2, 0.5);
        b.read(new ByteArrayInputStream(bytes));
        INDArray next = rows(new float[][]{{0, 0}, {2, 2}, {7, 7}});
        assertThat(b.update(new int[]{0, 1, 2}, next).toFloatMatrix()).isDeepEqualTo(a.update(new int[]{0, 1, 2}, next).toFloatMatrix());
        TemporalEnsemble other = new TemporalEnsemble(4, 2, 0.5);
        assertThatThrownBy(() -> other.read(new ByteArrayInputStream(bytes)))
                .isInstanceOf(IOException.class).hasMessageContaining("does not fit");
    }
}
