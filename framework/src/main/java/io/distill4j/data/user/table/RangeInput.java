package io.distill4j.data.user.table;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The bytes {@code [start, end)} of a file, counting line feeds as they pass. When {@code watch} is set it also looks
 * for what would make a split at a line feed unsafe: a quote (a quoted field may hold a line feed) or a carriage
 * return not followed by a line feed (a line break the count would miss); it then stops early and sets {@link #unsafe},
 * and the caller parses the whole file in one thread instead.
 */
final class RangeInput extends InputStream {
    private final FileChannel channel;
    private final boolean watch;
    private final byte[] buf = new byte[1 << 20];
    private long pos;
    private final long end;
    private int at;
    private int size;
    private boolean pendingCr;
    private int continuation;
    long lineFeeds;
    volatile boolean unsafe;
    /** The line (counted from the range's start, 1-based) of the first byte that is not UTF-8, or 0. */
    long badUtf8Line;

    RangeInput(FileChannel channel, long start, long end, boolean watch) {
        this.channel = channel;
        this.pos = start;
        this.end = end;
        this.watch = watch;
    }

    private boolean fill() throws IOException {
        if (unsafe || badUtf8Line > 0) return false;
        if (pos >= end) {
            if (continuation > 0) badUtf8Line = lineFeeds + 1;   // the range ends inside a character
            return false;
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, end - pos));
        int n = channel.read(bb, pos);
        if (n <= 0) return false;
        pos += n;
        at = 0;
        size = n;
        long lf = 0;
        for (int i = 0; i < n; i++) {
            byte b = buf[i];
            if (b < 0 || continuation > 0) {
                // checked here, where the line is known, rather than by the decoder, which reads ahead of the parser
                if (!utf8(b)) {
                    badUtf8Line = lineFeeds + lf + 1;
                    lineFeeds += lf;
                    size = i;
                    return i > 0;
                }
                if (watch && pendingCr) {
                    unsafe = true;
                    return false;
                }
                pendingCr = false;
                continue;
            }
            if (b == '\n') {
                lf++;
                pendingCr = false;
            } else if (watch) {
                if (pendingCr || b == '"') {
                    unsafe = true;
                    return false;
                }
                pendingCr = b == '\r';
            }
        }
        lineFeeds += lf;
        return true;
    }

    /** Steps the UTF-8 check over one non-ASCII byte (or a byte expected to continue a character). */
    private boolean utf8(byte b) {
        int u = b & 0xFF;
        if (continuation > 0) {
            if ((u & 0xC0) != 0x80) return false;
            continuation--;
            return true;
        }
        if (u >= 0xC2 && u <= 0xDF) continuation = 1;
        else if (u >= 0xE0 && u <= 0xEF) continuation = 2;
        else if (u >= 0xF0 && u <= 0xF4) continuation = 3;
        else return false;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (at >= size && !fill()) return -1;
        return buf[at++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (at >= size && !fill()) return -1;
        int n = Math.min(len, size - at);
        System.arraycopy(buf, at, b, off, n);
        at += n;
        return n;
    }
}
