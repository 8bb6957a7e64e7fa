package io.distill4j.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabeledSplitTest {
    @Test
    void anInMemorySplitKeepsItsArrayAndSlicesCopies() {
        INDArray x = Nd4j.create(new float[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, new long[]{4, 3}, 'c');
        LabeledSplit s = new LabeledSplit(x, new int[]{0, 1, 0, 1}, 2);
        assertThat(s.features()).isSameAs(x);
        assertThat(s.width()).isEqualTo(3);
        LabeledSplit tail = s.slice(1, 4);
        assertThat(tail.features()).isEqualTo(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4),
                org.nd4j.linalg.indexing.NDArrayIndex.all()));
        assertThat(tail.features()).isNotSameAs(x);
        assertThat(s.slice(2, 2).features().shape()).containsExactly(0, 3);
        assertThat(s.slice(0, 4)).isSameAs(s);
    }

    @Test
    void shapesMustMatchTheLabels() {
        assertThatThrownBy(() -> new LabeledSplit(Nd4j.create(DataType.FLOAT, 3, 2), new int[]{0, 1}, 2))
                .hasMessageContaining("n = 2 labels, got shape [3, 2]");
        assertThatThrownBy(() -> new LabeledSplit(Nd4j.create(DataType.FLOAT, 2), new int[]{0, 1}, 2))
                .hasMessageContaining("features must be [n, pixels]");
    }
}
