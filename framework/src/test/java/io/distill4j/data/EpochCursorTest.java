package io.distill4j.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EpochCursorTest {
    private static List<int[]> take(EpochCursor c, int n) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(c.next());
        return out;
    }

    @Test
    void sameSeedSameOrderOtherSeedOtherOrder() {
        List<int[]> a = take(new EpochCursor(100, 10, 7), 25);
        List<int[]> b = take(new EpochCursor(100, 10, 7), 25);
        List<int[]> c = take(new EpochCursor(100, 10, 8), 25);
        for (int i = 0; i < 25; i++) assertThat(a.get(i)).containsExactly(b.get(i));
        assertThat(Arrays.equals(a.get(0), c.get(0))).isFalse();
    }

    @Test
    void eachEpochIsAPermutationWithTheTailDropped() {
        EpochCursor c = new EpochCursor(103, 10, 1);
        assertThat(c.stepsPerEpoch()).isEqualTo(10);
        Set<Integer> first = new HashSet<>();
        for (int[] b : take(c, 10)) for (int i : b) first.add(i);
        assertThat(first).hasSize(100).allMatch(i -> i >= 0 && i < 103);
        assertThat(c.epoch()).isZero();
        int[] next = c.next();
        assertThat(c.epoch()).isEqualTo(1);
        assertThat(c.positionInEpoch()).isEqualTo(1);
        assertThat(c.step()).isEqualTo(11);
        assertThat(next).hasSize(10);
    }

    @Test
    void restoredCursorContinuesExactly() {
        EpochCursor uninterrupted = new EpochCursor(50, 8, 3);
        List<int[]> expected = take(uninterrupted, 20);
        EpochCursor first = new EpochCursor(50, 8, 3);
        take(first, 9);   // crosses an epoch boundary (6 steps per epoch)
        EpochCursor resumed = EpochCursor.restore(first.state());
        assertThat(resumed.step()).isEqualTo(9);
        List<int[]> rest = take(resumed, 11);
        for (int i = 0; i < 11; i++) assertThat(rest.get(i)).containsExactly(expected.get(9 + i));
    }

    @Test
    void rejectsBatchLargerThanData() {
        assertThatThrownBy(() -> new EpochCursor(5, 10, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void batchesGatherRowsAndOneHotLabels() {
        INDArray x = Nd4j.create(new float[]{0, 1, 10, 11, 20, 21}, new long[]{3, 2}, 'c');
        LabeledSplit s = new LabeledSplit(x, new int[]{2, 0, 1}, 3);
        INDArray rows = Batches.features(s, new int[]{2, 0});
        assertThat(rows.toFloatMatrix()).isEqualTo(new float[][]{{20, 21}, {0, 1}});
        assertThat(Batches.oneHot(s, new int[]{2, 0}).toFloatMatrix()).isEqualTo(new float[][]{{0, 1, 0}, {0, 0, 1}});
        assertThat(Batches.oneHot(s.labels(), 1, 3, 3).toFloatMatrix()).isEqualTo(new float[][]{{1, 0, 0}, {0, 1, 0}});
    }
}
