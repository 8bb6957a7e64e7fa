package io.distill4j.data.cache;

import io.distill4j.data.FeatureRows;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Feature rows memory-mapped read-only from a cache's little-endian float32 row file, in segments of whole rows of at
 * most 2^31 - 1 bytes (one mapping's limit). Only the pages a batch touches are read; the OS keeps what fits in its page
 * cache. Rows are copied out with memcpy from the mapping's address, as {@link io.distill4j.data.ArrayRows} copies them
 * from an array. The mappings live as long as this object (and its slices).
 */
public final class MappedRows implements FeatureRows {
    /** A mapping's size limit. */
    static final long MAX_SEGMENT_BYTES = Integer.MAX_VALUE;

    private final Path file;
    private final int width;
    private final long rowBytes;
    private final long rowsPerSegment;
    private final MappedByteBuffer[] segments;
    private final BytePointer[] addresses;
    /** This view's rows are {@code [first, first + size)} of the file. */
    private final long first;
    private final int size;

    private MappedRows(Path file, int width, long rowsPerSegment, MappedByteBuffer[] segments, BytePointer[] addresses,
                       long first, int size) {
        this.file = file;
        this.width = width;
        this.rowBytes = (long) width * Float.BYTES;
        this.rowsPerSegment = rowsPerSegment;
        this.segments = segments;
        this.addresses = addresses;
        this.first = first;
        this.size = size;
    }

    /** Maps {@code rows} rows of {@code width} floats; the file must hold exactly that many bytes. */
    static MappedRows map(Path file, int rows, int width, long segmentBytes) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("the feature cache is little-endian float32; this machine is big-endian");
        }
        if (width < 1 || rows < 0) throw new IOException(file + ": invalid shape " + rows + " x " + width);
        long rowBytes = (long) width * Float.BYTES;
        if (rowBytes > segmentBytes) throw new IOException(file + ": a row of " + rowBytes + " bytes exceeds a mapping of " + segmentBytes);
        long rowsPerSegment = segmentBytes / rowBytes;
        int count = (int) ((rows + rowsPerSegment - 1) / rowsPerSegment);
        MappedByteBuffer[] segments = new MappedByteBuffer[count];
        BytePointer[] addresses = new BytePointer[count];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long expected = rows * rowBytes;
            if (ch.size() != expected) {
                throw new IOException(file + ": " + ch.size() + " bytes, expected " + rows + " rows x " + width + " x 4 = " + expected);
            }
            for (int s = 0; s < count; s++) {
                long firstRow = s * rowsPerSegment;
                long n = Math.min(rowsPerSegment, rows - firstRow);
                segments[s] = ch.map(FileChannel.MapMode.READ_ONLY, firstRow * rowBytes, n * rowBytes);
                addresses[s] = new BytePointer(segments[s]);   // a direct buffer: its address, no copy
            }
        }
        return new MappedRows(file, width, rowsPerSegment, segments, addresses, 0, rows);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int width() {
        return width;
    }

    /** Segments the rows are mapped in (tests). */
    int segmentCount() {
        return segments.length;
    }

    @Override
    public void gather(int[] idx, INDArray into) {
        check(into, idx.length);
        // memcpy takes untyped pointers: their positions count bytes; fresh ones per call, so threads never share a position
        Pointer[] from = new Pointer[addresses.length];
        Pointer to = new Pointer(into.data().addressPointer());
        for (int r = 0; r < idx.length; r++) {
            if (idx[r] < 0 || idx[r] >= size) throw new IndexOutOfBoundsException("row " + idx[r] + " of " + size);
            long row = first + idx[r];
            int s = (int) (row / rowsPerSegment);
            if (from[s] == null) from[s] = new Pointer(addresses[s]);
            Pointer.memcpy(to.position(r * rowBytes), from[s].position((row - s * rowsPerSegment) * rowBytes), rowBytes);
        }
    }

    @Override
    public INDArray rows(int from, int to) {
        if (from < 0 || to > size || from > to) throw new IllegalArgumentException("rows [" + from + ", " + to + ") of " + size);
        INDArray out;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            out = Nd4j.create(DataType.FLOAT, to - from, width);
        }
        if (to == from) return out;
        Pointer dst = new Pointer(out.data().addressPointer());
        long row = first + from;
        long end = first + to;
        long written = 0;
        while (row < end) {
            int s = (int) (row / rowsPerSegment);
            long n = Math.min(end, (s + 1) * rowsPerSegment) - row;
            Pointer src = new Pointer(addresses[s]).position((row - s * rowsPerSegment) * rowBytes);
            Pointer.memcpy(dst.position(written), src, n * rowBytes);
            written += n * rowBytes;
            row += n;
        }
        return out;
    }

    @Override
    public FeatureRows slice(int from, int to) {
        if (from < 0 || to > size || from > to) throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + size);
        return new MappedRows(file, width, rowsPerSegment, segments, addresses, first + from, to - from);
    }

    private void check(INDArray into, int rows) {
        if (into.dataType() != DataType.FLOAT || into.ordering() != 'c' || into.elementWiseStride() != 1 || into.offset() != 0
                || into.rank() != 2 || into.size(0) != rows || into.size(1) != width) {
            throw new IllegalArgumentException("gather into a contiguous FLOAT 'c' [" + rows + ", " + width + "] array, got "
                    + into.dataType() + " " + into.ordering() + " " + java.util.Arrays.toString(into.shape()));
        }
    }

    @Override
    public String toString() {
        return "mapped " + file + " rows [" + first + ", " + (first + size) + ") x " + width;
    }
}
