package io.distill4j.train;

import io.distill4j.step.SecondThread;

import java.util.function.IntConsumer;

/**
 * Runs one step's models on the training thread and the second core together, each model as soon as the one it
 * learns from has stepped in this step (twins and label learners at once). A model's arithmetic does not depend on
 * the thread it runs on nor on when independent models run, so the step is bitwise the sequential one (tested);
 * only which core does what changes from step to step.
 */
public final class ConcurrentStep {
    private final int[] waitsFor;
    private final boolean[] taken;
    private final boolean[] done;
    private int next;
    private Throwable failure;
    private int failedAt = Integer.MAX_VALUE;

    private ConcurrentStep(int[] waitsFor) {
        this.waitsFor = waitsFor;
        this.taken = new boolean[waitsFor.length];
        this.done = new boolean[waitsFor.length];
    }

    /**
     * Calls {@code body.accept(i)} once for every {@code i}, never before {@code body.accept(waitsFor[i])} has
     * returned ({@code waitsFor[i] < i}, or -1 for none). A failure stops the hand-out of further models and is
     * rethrown once both threads are idle (the lowest-numbered model's, if both failed).
     */
    public static void run(int[] waitsFor, IntConsumer body) {
        for (int i = 0; i < waitsFor.length; i++) {
            if (waitsFor[i] >= i) throw new IllegalArgumentException("model " + i + " waits for a later model " + waitsFor[i]);
        }
        ConcurrentStep step = new ConcurrentStep(waitsFor);
        Runnable worker = () -> {
            for (int i; (i = step.take()) >= 0; ) {
                try {
                    body.accept(i);
                    step.complete(i);
                } catch (RuntimeException | Error e) {
                    step.fail(i, e);
                }
            }
        };
        SecondThread.Job helper = waitsFor.length < 2 ? null : SecondThread.start(worker);
        worker.run();
        if (helper != null) helper.join();
        if (step.failure instanceof RuntimeException r) throw r;
        if (step.failure instanceof Error e) throw e;
    }

    /** {@code body.accept(i)} for every {@code i < count}, on both cores, in no particular order. */
    public static void forEach(int count, IntConsumer body) {
        int[] none = new int[count];
        java.util.Arrays.fill(none, -1);
        run(none, body);
    }

    /** The next model whose source has stepped, waiting for one if needed; -1 when none is left (or after a failure). */
    private synchronized int take() {
        while (true) {
            if (failure != null) return -1;
            while (next < taken.length && taken[next]) next++;
            if (next == taken.length) return -1;
            for (int i = next; i < taken.length; i++) {
                if (!taken[i] && (waitsFor[i] < 0 || done[waitsFor[i]])) {
                    taken[i] = true;
                    return i;
                }
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(Integer.MAX_VALUE - 1, new IllegalStateException("interrupted while waiting for a model's step", e));
            }
        }
    }

    private synchronized void complete(int i) {
        done[i] = true;
        notifyAll();
    }

    private synchronized void fail(int i, Throwable t) {
        if (i < failedAt) {
            failure = t;
            failedAt = i;
        }
        notifyAll();
    }
}
