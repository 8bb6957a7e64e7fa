package io.distill4j.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The feature rows of a split: {@code size()} rows of {@code width()} FLOAT features, either an in-memory array
 * ({@link ArrayRows}) or rows read from a file that is not loaded whole (a memory-mapped feature cache).
 */
public interface FeatureRows {
    /** Number of rows. */
    int size();

    /** Features per row. */
    int width();

    /**
     * Copies rows {@code idx} (in that order) into {@code into}: a FLOAT, 'c'-ordered, contiguous
     * {@code [idx.length, width]} array, overwritten.
     */
    void gather(int[] idx, INDArray into);

    /** Rows {@code idx} (in that order) as a new FLOAT {@code [idx.length, width]} array. */
    default INDArray rows(int[] idx) {
        INDArray out;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            out = Nd4j.create(DataType.FLOAT, idx.length, width());
        }
        gather(idx, out);
        return out;
    }

    /** Rows {@code [from, to)} as a new FLOAT, 'c'-ordered {@code [to - from, width]} array (a copy). */
    INDArray rows(int from, int to);

    /** Rows {@code [from, to)}: a copy for in-memory rows, a view of the same file for mapped ones. */
    FeatureRows slice(int from, int to);
}
