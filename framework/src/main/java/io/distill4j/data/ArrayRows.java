package io.distill4j.data;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/** Feature rows held in memory: a rank-2 {@code [n, width]} array (the built-in datasets). */
public record ArrayRows(INDArray array) implements FeatureRows {
    public ArrayRows {
        if (array == null) throw new IllegalArgumentException("features are required");
        if (array.rank() != 2) throw new IllegalArgumentException("features must be [n, pixels], got shape " + Arrays.toString(array.shape()));
    }

    @Override
    public int size() {
        return (int) array.size(0);
    }

    @Override
    public int width() {
        return (int) array.size(1);
    }

    private boolean contiguous() {
        return array.dataType() == DataType.FLOAT && array.ordering() == 'c' && array.elementWiseStride() == 1;
    }

    @Override
    public void gather(int[] idx, INDArray into) {
        if (contiguous()) {
            // memcpy takes untyped pointers: their positions count bytes
            Pointer from = new Pointer(array.data().addressPointer());
            Pointer to = new Pointer(into.data().addressPointer());
            long rowBytes = (long) width() * Float.BYTES;
            for (int r = 0; r < idx.length; r++) {
                Pointer.memcpy(to.position(r * rowBytes), from.position(idx[r] * rowBytes), rowBytes);
            }
        } else {
            into.assign(rows(idx));
        }
    }

    /** Rows {@code idx} pulled by ND4J (the array's own data type). */
    @Override
    public INDArray rows(int[] idx) {
        return Nd4j.pullRows(array, 1, idx);
    }

    @Override
    public INDArray rows(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of " + size());
        }
        return to == from ? Nd4j.create(array.dataType(), 0, array.size(1))
                : array.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup('c');
    }

    @Override
    public FeatureRows slice(int from, int to) {
        return new ArrayRows(rows(from, to));
    }
}
