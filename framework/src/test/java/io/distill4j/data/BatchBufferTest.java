package io.distill4j.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchBufferTest {
    private static LabeledSplit split(char order) {
        INDArray x = Nd4j.rand(DataType.FLOAT, 50, 7).dup(order);
        int[] labels = new int[50];
        for (int i = 0; i < labels.length; i++) labels[i] = (i * 5) % 4;
        return new LabeledSplit(x, labels, 4);
    }

    @Test
    void gathersTheSameRowsAsBatchesIntoReusedArrays() {
        for (char order : new char[]{'c', 'f'}) {
            LabeledSplit s = split(order);
            BatchBuffer b = new BatchBuffer(s);
            int[][] batches = {{3, 0, 49, 17, 17}, {48, 1, 2, 25, 9}};
            INDArray first = null;
            for (int[] idx : batches) {
                b.gather(idx);
                assertThat(b.features()).as("order " + order).isEqualTo(Batches.features(s, idx));
                assertThat(b.oneHot()).isEqualTo(Batches.oneHot(s, idx));
                if (first == null) first = b.features();
                assertThat(b.features()).isSameAs(first);
            }
        }
    }

    @Test
    void aLabelOutsideTheClassesIsNamed() {
        LabeledSplit s = new LabeledSplit(Nd4j.rand(DataType.FLOAT, 3, 2), new int[]{0, 7, 1}, 4);
        assertThatThrownBy(() -> new BatchBuffer(s).gather(new int[]{1})).hasMessageContaining("label 7 at index 1");
    }
}
