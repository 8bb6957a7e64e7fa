package io.distill4j.cli;

import io.distill4j.run.RunLock;

import java.nio.file.Path;

/** A second process for lock tests: takes a run folder's lock, says so, and holds it until killed. */
public final class LockHolder {
    /** Held in a field: an unreachable channel may be closed by the garbage collector, which drops the lock. */
    private static RunLock held;

    private LockHolder() {
    }

    public static void main(String[] args) throws InterruptedException {
        held = RunLock.acquire(Path.of(args[0]));
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
