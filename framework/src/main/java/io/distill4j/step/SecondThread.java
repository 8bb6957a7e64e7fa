package io.distill4j.step;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A second worker beside the training thread. It shares the fused step's big products and optimizer updates
 * ({@link #chunks}) and takes a model's optimizer update in the background while the training thread moves on
 * to the next model ({@link #start}). OpenBLAS runs single-threaded, so two cores never see three busy threads.
 * <p>
 * Work reaches the helper through one slot. A job posted there is claimed by the helper, or withdrawn by its
 * poster if the helper never got to it, whichever comes first; so the training thread posts its chunks even
 * while the helper is finishing a background update, and the helper joins in as soon as it is free. The helper
 * spins briefly after a job, because the next one usually follows within microseconds, then parks. Work is cut
 * into pieces fixed by the caller, never by timing, so results are bitwise repeatable.
 */
public final class SecondThread {
    /** Whether a second core exists to run the helper on. */
    static final boolean AVAILABLE = Runtime.getRuntime().availableProcessors() >= 2;
    private static final long SPIN_NANOS = 200_000;
    private static final SecondThread INSTANCE = AVAILABLE ? new SecondThread() : null;

    private final Thread thread;
    private final AtomicReference<Job> slot = new AtomicReference<>();
    /** Whether the helper is running a job now (a background job handed over then would only queue). */
    private volatile boolean running;

    /** A job for the helper; {@link #join()} waits for it and rethrows what it threw. */
    public static final class Job {
        private static final int POSTED = 0;
        private static final int CLAIMED = 1;
        private static final int WITHDRAWN = 2;
        private final Runnable body;
        private final AtomicInteger state = new AtomicInteger(POSTED);
        private volatile boolean done;
        private volatile Throwable failure;

        private Job(Runnable body) {
            this.body = body;
        }

        /** Waits until the helper has run this job. */
        public void join() {
            while (!done) Thread.onSpinWait();
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error e) throw e;
        }

        /** Takes the job back if the helper has not claimed it; true if withdrawn (it will never run). */
        private boolean withdraw() {
            return state.compareAndSet(POSTED, WITHDRAWN);
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
            slot.compareAndSet(j, null);
            if (!j.state.compareAndSet(Job.POSTED, Job.CLAIMED)) continue;   // withdrawn by its poster
            running = true;
            try {
                j.body.run();
            } catch (Throwable t) {
                j.failure = t;
            } finally {
                running = false;
            }
            j.done = true;
        }
    }

    private Job awaitJob() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        Job j;
        while ((j = slot.get()) == null) {
            if (System.nanoTime() < spinUntil) Thread.onSpinWait();
            else LockSupport.park(this);
        }
        return j;
    }

    /** Posts {@code body} for the helper; null if there is no helper, the caller is the helper, or the slot is taken. */
    private static Job post(Runnable body) {
        if (INSTANCE == null || Thread.currentThread() == INSTANCE.thread) return null;
        Job j = new Job(body);
        if (!INSTANCE.slot.compareAndSet(null, j)) return null;
        LockSupport.unpark(INSTANCE.thread);
        return j;
    }

    /**
     * Hands {@code body} to the helper to run in the background and returns at once; null when the helper is
     * busy or absent (the caller then runs it itself: queued behind other work it would only come later). The
     * caller must {@link Job#join()} before it reads anything {@code body} writes.
     */
    public static Job start(Runnable body) {
        if (INSTANCE == null || INSTANCE.running) return null;
        return post(body);
    }

    /**
     * Runs {@code body.accept(i)} for every chunk {@code i < count}: the caller and, once it is free, the helper
     * each take the next chunk until none is left, so whoever is late simply does fewer.
     */
    static void chunks(int count, IntConsumer body) {
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < count; ) body.accept(i);
        };
        Job helper = count < 2 ? null : post(worker);
        try {
            worker.run();
        } finally {
            if (helper != null) {
                if (helper.withdraw()) INSTANCE.slot.compareAndSet(helper, null);
                else helper.join();
            }
        }
    }

    /** Boundary {@code i} of {@code count} near-equal chunks of [0, n), on multiples of {@code align} (except n). */
    static int boundary(int n, int count, int i, int align) {
        if (i >= count) return n;
        return (int) ((long) n * i / count) / align * align;
    }
}
