package io.distill4j.data.text;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TruncationTest {
    private static final int[] TEN = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    private static int[] kept(Truncation t, int count, int room) {
        int[] out = new int[room + 2];
        int n = t.keep(TEN, count, room, out, 1);
        assertThat(out[0]).as("nothing before the offset").isZero();
        return Arrays.copyOfRange(out, 1, 1 + n);
    }

    @Test
    void aTextThatFitsIsKeptWholeWhateverTheTruncation() {
        for (Truncation t : Truncation.values()) {
            assertThat(kept(t, 5, 8)).as(t.key()).containsExactly(1, 2, 3, 4, 5);
            assertThat(kept(t, 10, 10)).as(t.key()).containsExactly(TEN);
            assertThat(kept(t, 0, 4)).as(t.key()).isEmpty();
        }
    }

    @Test
    void aTextTooLongKeepsItsHeadItsTailOrAQuarterHeadAndTheRestTail() {
        assertThat(kept(Truncation.HEAD, 10, 4)).containsExactly(1, 2, 3, 4);
        assertThat(kept(Truncation.TAIL, 10, 4)).containsExactly(7, 8, 9, 10);
        assertThat(kept(Truncation.HEAD_TAIL, 10, 8)).containsExactly(1, 2, 5, 6, 7, 8, 9, 10);
        assertThat(kept(Truncation.HEAD_TAIL, 10, 3)).as("room/4 = 0: all tail").containsExactly(8, 9, 10);
        assertThat(kept(Truncation.HEAD_TAIL, 10, 0)).isEmpty();
    }

    @Test
    void keysAreTheConfigsNames() {
        assertThat(Truncation.keys()).isEqualTo("head, tail, headTail");
        for (Truncation t : Truncation.values()) assertThat(Truncation.byKey(t.key())).contains(t);
        assertThat(Truncation.byKey("Tail")).isEmpty();
        assertThat(Truncation.byKey(null)).isEmpty();
        assertThatThrownBy(() -> Truncation.HEAD.keep(TEN, 10, -1, new int[10], 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
