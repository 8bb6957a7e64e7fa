package io.distill4j.data.user.table;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Fixed-size binary rows on disk: the table after one text parse, so that the statistics pass and the transform
 * pass read binary (fast) and no pass holds every row in memory. A row is its source line (long), its label code
 * (int) and one {@link Cells} long per feature column.
 */
final class Spill {
    private static final int BUFFER = 1 << 20;

    private Spill() {
    }

    static int rowBytes(int columns) {
        return 8 + 4 + 8 * columns;
    }

    /** Appends rows to a spill file. */
    static final class Out implements Closeable {
        private final FileChannel channel;
        private final ByteBuffer buf;
        private final int rowBytes;

        Out(Path file, int columns) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            rowBytes = rowBytes(columns);
            buf = ByteBuffer.allocateDirect(Math.max(BUFFER, rowBytes)).order(ByteOrder.nativeOrder());
        }

        void row(long line, int label, long[] cells) throws IOException {
            if (buf.remaining() < rowBytes) flush();
            buf.putLong(line).putInt(label);
            for (long c : cells) buf.putLong(c);
        }

        private void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) channel.write(buf);
            buf.clear();
        }

        @Override
        public void close() throws IOException {
            try {
                flush();
            } finally {
                channel.close();
            }
        }
    }

    /** Reads a spill file's rows in order; {@link #next} fills the public fields. */
    static final class In implements Closeable {
        private final FileChannel channel;
        private final ByteBuffer buf;
        private final int rowBytes;
        long line;
        int label;
        final long[] cells;

        In(Path file, int columns) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            rowBytes = rowBytes(columns);
            cells = new long[columns];
            buf = ByteBuffer.allocateDirect(Math.max(BUFFER, rowBytes)).order(ByteOrder.nativeOrder());
            buf.flip();
        }

        boolean next() throws IOException {
            if (buf.remaining() < rowBytes) {
                buf.compact();
                while (buf.position() < rowBytes && channel.read(buf) >= 0) {
                    // keep filling: a read may return fewer bytes than a row
                }
                buf.flip();
                if (buf.remaining() < rowBytes) return false;
            }
            line = buf.getLong();
            label = buf.getInt();
            for (int i = 0; i < cells.length; i++) cells[i] = buf.getLong();
            return true;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
