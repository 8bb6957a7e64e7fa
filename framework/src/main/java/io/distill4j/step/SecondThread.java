package io.distill4j.step;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A second worker beside the training thread: it shares the big products and the optimizer update of the fused
 * step ({@link #chunks}), and takes a model's optimizer update in the background while the training thread moves
 * on to the next model ({@link #start}). OpenBLAS runs single-threaded, so two cores never see three busy threads.
 * The hand-off is a volatile slot: the helper spins briefly after a job, because the next one usually follows
 * within microseconds, then parks. Work is divided into pieces fixed by the caller, never by timing, so results
 * are bitwise repeatable. Whoever finds the helper busy (another caller, a running background job) does its
 * work itself.
 */
final class SecondThread {
    /** Whether a second core exists to run the helper on. */
    static final boolean AVAILABLE = Runtime.getRuntime().availableProcessors() >= 2;
    private static final long SPIN_NANOS = 200_000;
    private static final SecondThread INSTANCE = AVAILABLE ? new SecondThread() : null;

    private final Thread thread;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;

    /** A job handed to the helper; {@link #join()} waits for it and rethrows what it threw. */
    static final class Job {
        private final Runnable body;
        private volatile boolean done;
        private volatile Throwable failure;

        private Job(Runnable body) {
            this.body = body;
        }

        void join() {
            while (!done) Thread.onSpinWait();
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error e) throw e;
        }
    }

    private SecondThread() {
        thread = new Thread(this::loop, "distill4j-second-core");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (true) {
            Job j = awaitJob();
            try {
                j.body.run();
            } catch (Throwable t) {
                j.failure = t;
            }
            job = null;
            busy.set(false);   // before done: a caller that saw done may hand out the next job at once
            j.done = true;
        }
    }

    private Job awaitJob() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        Job j;
        while ((j = job) == null) {
            if (System.nanoTime() < spinUntil) Thread.onSpinWait();
            else LockSupport.park(this);
        }
        return j;
    }

    /** Hands {@code body} to the helper if it is free (the caller then owns it until the job ends); null if busy. */
    private static Job handOff(Runnable body) {
        if (INSTANCE == null || !INSTANCE.busy.compareAndSet(false, true)) return null;
        Job j = new Job(body);
        INSTANCE.job = j;
        LockSupport.unpark(INSTANCE.thread);
        return j;
    }

    /**
     * Starts {@code body} on the helper and returns at once, or returns null when the helper is busy (the caller
     * then runs it itself). The caller must {@link Job#join()} before it reads anything {@code body} writes.
     */
    static Job start(Runnable body) {
        return handOff(body);
    }

    /**
     * Runs {@code body.accept(i)} for every chunk {@code i < count}, the caller and the helper each taking the next
     * chunk until none is left: whoever is late (a parked helper, a descheduled thread) simply does fewer.
     */
    static void chunks(int count, IntConsumer body) {
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < count; ) body.accept(i);
        };
        Job helper = count < 2 ? null : handOff(worker);
        try {
            worker.run();
        } finally {
            if (helper != null) helper.join();
        }
    }

    /** Boundary {@code i} of {@code count} near-equal chunks of [0, n), on multiples of {@code align} (except n). */
    static int boundary(int n, int count, int i, int align) {
        if (i >= count) return n;
        return (int) ((long) n * i / count) / align * align;
    }
}
