package io.distill4j.data.user.table;

import io.distill4j.data.user.Inspection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Throughput of {@code distill4j new --data}'s inspection (not a test): {@code TableInspectBench CSV [threads]} inspects the
 * CSV once and prints MB/s of its size and what it found. Make the CSV with {@code scripts/generate-table}.
 */
public final class TableInspectBench {
    private TableInspectBench() {
    }

    public static void main(String[] args) throws IOException {
        Path csv = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        double mb = Files.size(csv) / 1e6;
        long t0 = System.nanoTime();
        Inspection i = TableFormat.csv().withThreads(threads, TableParser.DEFAULT_MIN_RANGE).inspect(csv);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("inspect: %.0f MB in %.1f s = %.1f MB/s, %d rows, %d thread(s)%n", mb, s, mb / s, i.examples(), threads);
        i.details().forEach(System.out::println);
        System.out.println(i.classCounts() + " " + i.dataKeys() + " " + i.shape());
    }
}
