package io.distill4j.data.user.table;

import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Throughput of the table format (not a test): {@code TableParseBench CSV OUT [threads]} times the text pass alone
 * and then the whole preparation into a sink that writes every row (part, label, floats) to OUT, and prints MB/s of
 * the CSV's size. Make the CSV with {@code scripts/generate-table}.
 */
public final class TableParseBench {
    private TableParseBench() {
    }

    /** Writes each row's part, label and floats to a file. */
    static final class FileSink implements FeatureSink, AutoCloseable {
        private final FileChannel ch;
        private ByteBuffer buf;
        long rows;

        FileSink(Path out) throws IOException {
            ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }

        @Override
        public void begin(int width) {
            buf = ByteBuffer.allocateDirect(Math.max(1 << 20, 8 + 4 * width)).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public void add(Part part, float[] row, int label) throws IOException {
            if (buf.remaining() < 5 + 4 * row.length) flush();
            buf.put((byte) part.ordinal()).putInt(label);
            for (float f : row) buf.putFloat(f);
            rows++;
        }

        private void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) ch.write(buf);
            buf.clear();
        }

        @Override
        public void close() throws IOException {
            flush();
            ch.close();
        }
    }

    public static void main(String[] args) throws IOException {
        Path csv = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        double mb = Files.size(csv) / 1e6;
        UserDataSpec spec = UserDataSpec.of("csv", csv);

        long t0 = System.nanoTime();
        List<Path> spills = new ArrayList<>();
        try {
            var parser = new TableParser(',', true, Path.of(System.getProperty("java.io.tmpdir")), threads, TableParser.DEFAULT_MIN_RANGE);
            var parsed = parser.parse(csv, h -> new TableParser.Layout(h, java.util.stream.IntStream.range(0, h.size() - 1).toArray(), h.size() - 1), spills);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("text pass only: %d rows, %d range(s), %.1f s, %.1f MB/s%n", parsed.rows(), parsed.chunks().size(), s, mb / s);
        } finally {
            for (Path p : spills) Files.deleteIfExists(p);
        }

        long t1 = System.nanoTime();
        try (FileSink sink = new FileSink(out)) {
            var pre = TableFormat.csv().withThreads(threads, TableParser.DEFAULT_MIN_RANGE).prepare(spec, new SplitPlan(0.2, 10_000, 1), sink);
            double s = (System.nanoTime() - t1) / 1e9;
            System.out.printf("prepare end to end: %d rows x %d floats, %.1f s, %.1f MB/s (%.0f MB CSV, %d thread(s))%n",
                    sink.rows, pre.shape().features(), s, mb / s, mb, threads);
        }
    }
}
