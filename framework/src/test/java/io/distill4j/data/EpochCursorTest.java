package io.distill4j.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EpochCursorTest {
    private static List<int[]> take(EpochCursor c, int n) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(c.next());
        return out;
    }

    private static void assertSameBatches(List<int[]> actual, List<int[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) assertThat(actual.get(i)).as("batch %d", i).containsExactly(expected.get(i));
    }

    @Test
    void sameSeedSameOrder() {
        assertSameBatches(take(new EpochCursor(100, 10, 7), 35), take(new EpochCursor(100, 10, 7), 35));
    }

    @Test
    void differentSeedDifferentOrder() {
        int[] a = new EpochCursor(100, 100, 7).next();
        int[] b = new EpochCursor(100, 100, 8).next();
        assertThat(a).isNotEqualTo(b);
        assertThat(a).as("shuffled, not the identity").isNotEqualTo(range(100));
        assertThat(b).as("shuffled, not the identity").isNotEqualTo(range(100));
    }

    @Test
    void eachEpochIsAPermutationWithTheTailDropped() {
        int n = 103, batch = 10;
        EpochCursor c = new EpochCursor(n, batch, 1);
        assertThat(c.stepsPerEpoch()).isEqualTo(10);
        assertThat(c.epoch()).isZero();
        assertThat(c.step()).isZero();
        int[] previous = null;
        for (int e = 0; e < 4; e++) {
            int[] seen = new int[n];
            List<Integer> order = new ArrayList<>();
            for (int s = 0; s < c.stepsPerEpoch(); s++) {
                int[] b = c.next();
                assertThat(b).hasSize(batch);
                assertThat(c.epoch()).isEqualTo(e);
                assertThat(c.positionInEpoch()).isEqualTo(s + 1);
                assertThat(c.step()).isEqualTo((long) e * 10 + s + 1);
                for (int i : b) {
                    seen[i]++;
                    order.add(i);
                }
            }
            // every index at most once, exactly 100 of the 103 used: a permutation minus the dropped tail of 3
            assertThat(seen).containsOnly(0, 1);
            assertThat(Arrays.stream(seen).sum()).isEqualTo(100);
            // the epoch is exactly the first 100 entries of its permutation
            assertThat(order).containsExactly(Arrays.stream(EpochCursor.permutation(1, e, n)).limit(100).boxed().toArray(Integer[]::new));
            int[] current = order.stream().mapToInt(Integer::intValue).toArray();
            if (previous != null) assertThat(current).as("epoch %d reshuffled", e).isNotEqualTo(previous);
            previous = current;
        }
    }

    @Test
    void permutationIsAPureFunctionOfSeedAndEpoch() {
        int[] p = EpochCursor.permutation(42, 3, 1000);
        assertThat(Arrays.stream(p).sorted().toArray()).isEqualTo(range(1000));
        assertThat(EpochCursor.permutation(42, 3, 1000)).isEqualTo(p);
        assertThat(EpochCursor.permutation(42, 4, 1000)).isNotEqualTo(p);
        assertThat(EpochCursor.permutation(43, 3, 1000)).isNotEqualTo(p);
    }

    @Test
    void restoredMidEpochContinuesLikeAnUninterruptedCursor() {
        List<int[]> expected = take(new EpochCursor(50, 8, 3), 20);   // 6 steps per epoch
        EpochCursor first = new EpochCursor(50, 8, 3);
        take(first, 9);                                              // epoch 1, position 3
        EpochCursor.State state = first.state();
        assertThat(state).isEqualTo(new EpochCursor.State(50, 8, 3, 1, 3));
        EpochCursor resumed = EpochCursor.restore(state);
        assertThat(resumed.step()).isEqualTo(9);
        assertThat(resumed.epoch()).isEqualTo(1);
        assertThat(resumed.positionInEpoch()).isEqualTo(3);
        assertSameBatches(take(resumed, 11), expected.subList(9, 20));
        assertThat(resumed.state()).isEqualTo(new EpochCursor.State(50, 8, 3, 3, 2));
    }

    @Test
    void restoredAtAnEpochBoundaryRollsOverLikeAnUninterruptedCursor() {
        List<int[]> expected = take(new EpochCursor(50, 8, 3), 14);
        EpochCursor first = new EpochCursor(50, 8, 3);
        take(first, 6);                                              // end of epoch 0
        assertThat(first.state()).isEqualTo(new EpochCursor.State(50, 8, 3, 0, 6));
        assertSameBatches(take(EpochCursor.restore(first.state()), 8), expected.subList(6, 14));
        assertSameBatches(take(EpochCursor.restore(new EpochCursor(50, 8, 3).state()), 14), expected);
    }

    @Test
    void rejectsImpossibleSizesAndStates() {
        assertThatThrownBy(() -> new EpochCursor(5, 10, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EpochCursor(5, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EpochCursor.restore(new EpochCursor.State(50, 8, 3, 0, 7)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EpochCursor.restore(new EpochCursor.State(50, 8, 3, -1, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        EpochCursor exact = new EpochCursor(10, 10, 1);
        assertThat(exact.stepsPerEpoch()).isEqualTo(1);
        assertThat(Arrays.stream(exact.next()).sorted().toArray()).isEqualTo(range(10));
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}
