package io.distill4j.data.cache;

import io.distill4j.data.BatchBuffer;
import io.distill4j.data.Batches;
import io.distill4j.data.LabeledSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A mapped split reads exactly the rows of the array it was written from, across segment boundaries. */
class MappedSplitTest {
    @TempDir
    Path tmp;

    @Test
    void rowsSpanningSegmentsReadAsTheArray() throws IOException {
        // 7 floats = 28 bytes a row; 100-byte segments hold 3 rows: 50 rows in 17 segments, the last one short
        LabeledSplit[] s = FeatureCacheTest.inMemoryAndMapped(tmp.resolve("c"), 50, 7, 4, 100);
        LabeledSplit memory = s[0];
        LabeledSplit mapped = s[1];
        assertThat(((MappedRows) mapped.rows()).segmentCount()).isEqualTo(17);
        assertThat(mapped.rows().rows(0, 50)).isEqualTo(memory.features());
        assertThat(mapped.rows().rows(2, 10)).isEqualTo(memory.rows().rows(2, 10));
        assertThat(mapped.rows().rows(49, 50)).isEqualTo(memory.rows().rows(49, 50));
        assertThat(mapped.rows().rows(5, 5).shape()).containsExactly(0, 7);
        int[] idx = {2, 3, 5, 6, 49, 0, 48, 17};
        assertThat(Batches.features(mapped, idx)).isEqualTo(Batches.features(memory, idx));
        LabeledSplit a = mapped.slice(4, 41);
        LabeledSplit b = memory.slice(4, 41);
        assertThat(a.labels()).containsExactly(b.labels());
        assertThat(a.rows().rows(0, a.size())).isEqualTo(b.features());
        assertThat(Batches.features(a, new int[]{36, 0, 1, 2})).isEqualTo(Batches.features(b, new int[]{36, 0, 1, 2}));
    }

    @Test
    void batchBufferGathersIdenticalBatchesFromMemoryAndFromTheCache() throws IOException {
        for (long segment : new long[]{MappedRows.MAX_SEGMENT_BYTES, 100}) {
            LabeledSplit[] s = FeatureCacheTest.inMemoryAndMapped(tmp.resolve("c" + segment), 50, 7, 4, segment);
            BatchBuffer memory = new BatchBuffer(s[0]);
            BatchBuffer mapped = new BatchBuffer(s[1]);
            int[][] batches = {{3, 0, 49, 17, 17}, {48, 1, 2, 25, 9}};
            INDArray first = null;
            for (int[] idx : batches) {
                memory.gather(idx);
                mapped.gather(idx);
                assertThat(mapped.features()).isEqualTo(memory.features());
                assertThat(mapped.oneHot()).isEqualTo(memory.oneHot());
                if (first == null) first = mapped.features();
                assertThat(mapped.features()).isSameAs(first);
            }
        }
    }
}
