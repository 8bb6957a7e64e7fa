package io.distill4j.step;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A second worker beside the calling thread, for splitting the fused step's big products and its optimizer
 * update in two (OpenBLAS runs single-threaded; this is the only parallelism, so two cores never have three
 * busy threads). The hand-off is a volatile slot: the helper spins briefly after a job, because the next one
 * usually follows within microseconds, then parks. A split never changes which thread computes an element,
 * only when, so results are bitwise repeatable. One caller at a time gets the helper; a second concurrent
 * caller (learners on their own thread, {@code training.parallel}) runs its chunks itself.
 */
final class SecondThread {
    /** Whether a split can help: a second core exists. */
    static final boolean AVAILABLE = Runtime.getRuntime().availableProcessors() >= 2;
    private static final long SPIN_NANOS = 200_000;
    private static final SecondThread INSTANCE = AVAILABLE ? new SecondThread() : null;

    private final Thread thread;
    private volatile Runnable job;
    private volatile boolean done = true;
    private volatile RuntimeException failure;
    private final AtomicBoolean busy = new AtomicBoolean();

    private SecondThread() {
        thread = new Thread(this::loop, "distill4j-second-core");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (true) {
            Runnable r = awaitJob();
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                failure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
            job = null;
            done = true;
        }
    }

    private Runnable awaitJob() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        Runnable r;
        while ((r = job) == null) {
            if (System.nanoTime() < spinUntil) Thread.onSpinWait();
            else LockSupport.park(this);
        }
        return r;
    }

    /**
     * Runs {@code body.accept(i)} for every chunk {@code i < count}, the caller and the second thread each taking
     * the next chunk until none is left: whoever is late (a parked helper, a descheduled thread) simply does fewer.
     * Which chunks exist is fixed by the caller, so the arithmetic never depends on the scheduling.
     */
    static void chunks(int count, IntConsumer body) {
        if (INSTANCE == null || count < 2 || !INSTANCE.busy.compareAndSet(false, true)) {
            for (int i = 0; i < count; i++) body.accept(i);
            return;
        }
        try {
            AtomicInteger next = new AtomicInteger();
            Runnable worker = () -> {
                for (int i; (i = next.getAndIncrement()) < count; ) body.accept(i);
            };
            INSTANCE.run(worker, worker);
        } finally {
            INSTANCE.busy.set(false);
        }
    }

    /** Boundary {@code i} of {@code count} near-equal chunks of [0, n), on multiples of {@code align} (except n). */
    static int boundary(int n, int count, int i, int align) {
        if (i >= count) return n;
        return (int) ((long) n * i / count) / align * align;
    }

    private void run(Runnable mine, Runnable helper) {
        failure = null;
        done = false;
        job = helper;
        LockSupport.unpark(thread);
        RuntimeException own = null;
        try {
            mine.run();
        } catch (RuntimeException e) {
            own = e;
        }
        while (!done) Thread.onSpinWait();
        if (own != null) throw own;
        if (failure != null) throw failure;
    }
}
