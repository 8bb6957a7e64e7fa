package io.distill4j.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchesTest {
    private static final LabeledSplit SPLIT = new LabeledSplit(
            Nd4j.create(new float[]{0, 1, 10, 11, 20, 21, 30, 31}, new long[]{4, 2}, 'c'), new int[]{2, 0, 1, 2}, 3);

    @Test
    void featuresGatherRowsInIndexOrder() {
        INDArray rows = Batches.features(SPLIT, new int[]{2, 0, 2});
        assertThat(rows.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(rows.toFloatMatrix()).isEqualTo(new float[][]{{20, 21}, {0, 1}, {20, 21}});
    }

    @Test
    void oneHotOfIndices() {
        INDArray y = Batches.oneHot(SPLIT, new int[]{3, 1, 2});
        assertThat(y.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(y.shape()).containsExactly(3, 3);
        assertThat(y.toFloatMatrix()).isEqualTo(new float[][]{{0, 0, 1}, {1, 0, 0}, {0, 1, 0}});
    }

    @Test
    void oneHotOfARange() {
        INDArray y = Batches.oneHot(new int[]{4, 0, 3, 1, 2}, 1, 4, 5);
        assertThat(y.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(y.toFloatMatrix()).isEqualTo(new float[][]{{1, 0, 0, 0, 0}, {0, 0, 0, 1, 0}, {0, 1, 0, 0, 0}});
        assertThat(y.sum(1).toFloatVector()).containsOnly(1f);
    }

    @Test
    void oneHotRejectsLabelsOutsideTheClassesAndBadRanges() {
        assertThatThrownBy(() -> Batches.oneHot(new int[]{0, 3}, 0, 2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 3 at index 1");
        assertThatThrownBy(() -> Batches.oneHot(new int[]{0, 1}, 1, 3, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void splitRejectsMismatchedLabels() {
        assertThatThrownBy(() -> new LabeledSplit(Nd4j.zeros(DataType.FLOAT, 3, 2), new int[]{0, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
