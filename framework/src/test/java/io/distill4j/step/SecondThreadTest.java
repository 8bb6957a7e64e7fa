package io.distill4j.step;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecondThreadTest {
    @Test
    void everyChunkRunsExactlyOnceAlsoWithTwoCallersAtOnce() {
        int chunks = 64;
        AtomicIntegerArray a = new AtomicIntegerArray(chunks);
        AtomicIntegerArray b = new AtomicIntegerArray(chunks);
        for (int round = 0; round < 200; round++) {
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> SecondThread.chunks(chunks, b::incrementAndGet));
            SecondThread.chunks(chunks, a::incrementAndGet);
            other.join();
        }
        for (int i = 0; i < chunks; i++) {
            assertThat(a.get(i)).as("chunk " + i).isEqualTo(200);
            assertThat(b.get(i)).as("chunk " + i).isEqualTo(200);
        }
    }

    @Test
    void aFailureInEitherThreadReachesTheCaller() {
        for (int bad = 0; bad < 4; bad++) {
            int failing = bad;
            assertThatThrownBy(() -> SecondThread.chunks(4, i -> {
                if (i == failing) throw new IllegalArgumentException("chunk " + i);
            })).hasMessage("chunk " + bad);
        }
        // and the helper still works afterwards
        AtomicIntegerArray ran = new AtomicIntegerArray(4);
        SecondThread.chunks(4, ran::incrementAndGet);
        for (int i = 0; i < 4; i++) assertThat(ran.get(i)).isEqualTo(1);
    }

    @Test
    void boundariesCoverTheRangeOnAlignedSteps() {
        assertThat(SecondThread.boundary(1200, 4, 0, 16)).isZero();
        assertThat(SecondThread.boundary(1200, 4, 1, 16)).isEqualTo(288);
        assertThat(SecondThread.boundary(1200, 4, 4, 16)).isEqualTo(1200);
        for (int i = 1; i < 4; i++) assertThat(SecondThread.boundary(1000, 4, i, 64) % 64).isZero();
    }
}
