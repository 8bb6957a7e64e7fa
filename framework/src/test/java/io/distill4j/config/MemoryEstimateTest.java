package io.distill4j.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory estimate against numbers worked out by hand (4 bytes a float; MNIST: 784 pixels, 10 classes). */
class MemoryEstimateTest {
    /**
     * Teacher 784-100-10 (Adam), student 784-10-10 (SGD) learning from it, with its twin; batch 50; 1000 training
     * examples of which 200 validation, 500 test; the teacher's signal memory on.
     */
    static final String MLP = """
            name: t
            data: {dataset: mnist, trainLimit: 1000, validation: 200, testLimit: 500}
            models:
              teacher: {family: mlp, hidden: [100]}
              students:
                - {name: s, family: mlp, hidden: [10], optimizer: {name: sgd}, learnsFrom: teacher}
            distill: {twins: true, temporalEnsemble: 0.5}
            training: {batchSize: 50}
            """;

    private static final java.util.Map<String, ? extends FamilyRules> FAMILIES = ConfigLoaderTest.VOCABULARY.families();

    @TempDir
    Path dir;

    private RunConfig config(String yaml, String... overrides) throws IOException {
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, yaml);
        return new ConfigLoader(ConfigLoaderTest.VOCABULARY, MemoryBudget.UNLIMITED).load(f, List.of(overrides)).config();
    }

    @Test
    void aTextDatasetsExamplesAreAsLongAsDataMaxLengthAndATransformerEvaluatesInChunks() throws IOException {
        String imdb = """
                name: m
                data: {dataset: imdb, trainLimit: 1000, validation: 200, testLimit: 500, maxLength: 100, vocabSize: 50}
                models:
                  teacher: {family: transformer, hidden: [8], heads: 2, ffn: 16}
                  students: [{name: s, family: transformer, hidden: [4], heads: 2, ffn: 8}]
                distill: {twins: false}
                training: {epochs: 1, batchSize: 10}
                """;
        MemoryEstimate e = MemoryEstimate.of(config(imdb), FAMILIES);
        // 1000 training rows of 100 ids, held twice while the validation rows are split off; 500 test rows
        assertThat(e.parts()).contains(new MemoryEstimate.Part("data.trainLimit", 800_000, 0),
                new MemoryEstimate.Part("data.testLimit", 200_000, 0));
        // P = tokens 50*8 + positions 100*8 + block (4*(8*8+8) + 2*2*8 + 8*16+16 + 16*8+8) + final LN 2*8 + classifier 8*2+2
        //   = 400 + 800 + 600 + 16 + 18 = 1,834; natively values, gradient and Adam's 2 moments: 16 bytes each.
        // Evaluation holds 64 rows (the transformer's chunk, not 500) of 12*100*8 + 2*100*16 + 4*2*100*100 + 4*100*8
        // = 96,000 floats each.
        assertThat(e.parts().get(0).key()).isEqualTo("models.teacher.hidden");
        assertThat(e.parts().get(0).nativeBytes()).isEqualTo(1_834L * 16 + 64L * 96_000 * 4);
        assertThat(e.parts().get(0).heapBytes()).isEqualTo(1_834L * 16);
    }

    @Test
    void smallMlpByHand() throws IOException {
        MemoryEstimate e = MemoryEstimate.of(config(MLP), FAMILIES);
        // teacher: P = 784*100 + 100 + 100*10 + 10 = 79,510; parameters + gradients + Adam's 2 moments = 4P floats
        // native (1,272,160 B); the fused step's heap Adam holds m, v, g, p = 4P floats (1,272,160 B); the biggest
        // model evaluated: 500 test rows (more than the 200 validation) x (100 + 10) activations = 220,000 B
        // student and twin: P = 784*10 + 10 + 10*10 + 10 = 7,960; SGD keeps no state: 2P floats each = 2 x 63,680 B
        // batch: activations and their gradients 2 x 50 x (110 + 20 + 20) floats = 60,000 B, the gathered batch
        //        50 x (784 + 10) floats = 158,800 B
        // data: 1000 x 784 floats, held twice while the validation rows are split off = 6,272,000 B; test 500 x 784 x 4
        // signal memory: the teacher's, 800 training examples x 10 classes on the heap = 32,000 B
        assertThat(e.parts()).containsExactly(
                new MemoryEstimate.Part("models.teacher.hidden", 1_492_160, 1_272_160),
                new MemoryEstimate.Part("models.students[0].hidden", 127_360, 0),
                new MemoryEstimate.Part("training.batchSize", 218_800, 0),
                new MemoryEstimate.Part("data.trainLimit", 6_272_000, 0),
                new MemoryEstimate.Part("data.testLimit", 1_568_000, 0),
                new MemoryEstimate.Part("distill.temporalEnsemble", 0, 32_000));
        assertThat(e.nativeBytes()).isEqualTo(9_678_320);
        assertThat(e.heapBytes()).isEqualTo(1_304_160);
    }

    @Test
    void onlyTheFusedAdamKeepsHeapCopiesAndTwinsCountOnlyWhenOn() throws IOException {
        MemoryEstimate dl4j = MemoryEstimate.of(config(MLP, "training.engine=dl4j", "distill.twins=false",
                "distill.temporalEnsemble=0"), FAMILIES);
        assertThat(dl4j.parts()).contains(new MemoryEstimate.Part("models.teacher.hidden", 1_492_160, 0),
                new MemoryEstimate.Part("models.students[0].hidden", 63_680, 0),
                new MemoryEstimate.Part("training.batchSize", 210_800, 0));
        assertThat(dl4j.heapBytes()).isZero();
    }

    @Test
    void cnnCountsItsConvolutionsAndTheirActivations() throws IOException {
        MemoryEstimate e = MemoryEstimate.of(config(MLP, "models.teacher={family: cnn, conv: [{filters: 2, kernel: 5, pool: 2}]}",
                "distill.twins=false", "distill.temporalEnsemble=0"), FAMILIES);
        // conv 2 filters 5x5 on 1 channel: 52 params, 24x24x2 = 1,152 outputs, pooled 12x12x2 = 288; dense 288 -> 10:
        // 2,890 params. P = 2,942 with Adam: 4P floats = 47,072 B, and the fused step's heap Adam as much again on the
        // heap; evaluation of the biggest model: 500 rows x 1,450 activations = 2,900,000 B. The convolutions hold most
        // of it: the key is conv.
        assertThat(e.parts()).startsWith(new MemoryEstimate.Part("models.teacher.conv", 2_947_072, 47_072));
        // batch: 2 x 50 x (1,450 + 20) floats + the fused step's im2col matrix, 50 x 25 x 576 floats, + the gathered batch
        assertThat(e.parts()).contains(new MemoryEstimate.Part("training.batchSize", 746_800 + 2_880_000, 0));
    }

    @Test
    void theBudgetNamesTheBiggestPartOfWhatDoesNotFit() throws IOException {
        RunConfig c = config(MLP);
        MemoryEstimate e = MemoryEstimate.of(c, FAMILIES);
        assertThat(new MemoryBudget(e.nativeBytes(), e.heapBytes()).check(e)).isEmpty();
        assertThat(new MemoryBudget(e.nativeBytes() - 1, e.heapBytes()).check(e)).hasValueSatisfying(p -> {
            assertThat(p.key()).isEqualTo("data.trainLimit");
            assertThat(p.problem()).isEqualTo("the run needs about 9.2 MiB of native (off-heap) memory, 6.0 MiB of it for "
                    + "this key, but 9.2 MiB is available (the smaller of JavaCPP's limit, -Xmx or "
                    + "-Dorg.bytedeco.javacpp.maxbytes, and physical RAM); reduce data.trainLimit");
        });
        assertThat(new MemoryBudget(e.nativeBytes(), 1_000_000).check(e)).hasValueSatisfying(p -> {
            assertThat(p.key()).isEqualTo("models.teacher.hidden");
            assertThat(p.problem()).startsWith("the run needs about 1.2 MiB of Java heap, 1.2 MiB of it for this key, "
                    + "but 976.6 KiB is available (-Xmx)");
        });
    }

    @Test
    void theHiddenWidthsOfTheIssueNeedTensOfGigabytesWithoutOverflowing() throws IOException {
        MemoryEstimate e = MemoryEstimate.of(config(MLP, "models.teacher.hidden=[65536, 65536]"), FAMILIES);
        // P = 784*65536 + 65536 + 65536*65536 + 65536 + 65536*10 + 10 = 4,347,133,962: 4P floats native, 4P on the heap;
        // evaluation 500 x (65536 + 65536 + 10) floats
        assertThat(e.parts().get(0)).isEqualTo(new MemoryEstimate.Part("models.teacher.hidden",
                69_554_143_392L + 262_164_000L, 69_554_143_392L));
    }
}
