package io.distill4j.data.user.table;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Cutting a table's rows into byte ranges at line feeds and running one task per range, shared by the parse into the
 * cache and by inspection so both split a file the same way.
 */
final class Ranges {
    private Ranges() {
    }

    /**
     * Where the ranges start, from {@code start} (just past the header) to {@code size}, last element {@code size}:
     * up to {@code threads} ranges, none much smaller than {@code minRange}.
     */
    static List<Long> cuts(FileChannel ch, long start, long size, int threads, long minRange) throws IOException {
        int n = (int) Math.max(1, Math.min(threads, (size - start) / minRange));
        List<Long> cuts = new ArrayList<>(List.of(start));
        for (int k = 1; k < n; k++) {
            long cut = nextLineStart(ch, start + (size - start) * k / n, size);
            if (cut > cuts.get(cuts.size() - 1) && cut < size) cuts.add(cut);
        }
        cuts.add(size);
        return cuts;
    }

    private static long nextLineStart(FileChannel ch, long from, long size) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(1 << 16);
        long pos = from;
        while (pos < size) {
            bb.clear();
            int n = ch.read(bb, pos);
            if (n <= 0) break;
            for (int i = 0; i < n; i++) if (bb.get(i) == '\n') return pos + i + 1;
            pos += n;
        }
        return size;
    }

    /**
     * Runs every task on its own thread and waits for all of them; returns each one's failure (null when it succeeded)
     * in task order, so the caller reports the failure of the earliest range, as one thread would have met it.
     */
    static List<Throwable> runAll(List<Callable<Void>> tasks, String file) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (Callable<Void> t : tasks) done.add(pool.submit(t));
            List<Throwable> failures = new ArrayList<>();
            for (Future<Void> f : done) {
                try {
                    f.get();
                    failures.add(null);
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while reading " + file, e);
                }
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Throws {@code t} (a range's failure, already made a file line by the caller) as what it is. */
    static void rethrow(Throwable t) throws IOException {
        if (t instanceof IOException e) throw e;
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
    }
}
