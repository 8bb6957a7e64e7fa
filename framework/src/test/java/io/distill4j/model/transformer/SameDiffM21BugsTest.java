package io.distill4j.model.transformer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SameDiff M2.1 bugs {@link TransformerGraph} is written around, each pinned as it is today (the gather one is in
 * TransformerGraphTest). When a DL4J upgrade makes one of these fail, the bug is gone and its workaround may go.
 */
class SameDiffM21BugsTest {
    private static final DataType D = DataType.DOUBLE;

    private static INDArray random(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(D, shape);
    }

    /** Issue #9775: tensorMmul's backward fails on a plain [B, L, H] x [H, O] contraction. The graph uses mmul. */
    @Test
    void tensorMmulBackpropFails() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", random(1, 2, 3, 4));
        SDVariable w = sd.var("w", random(2, 4, 5));
        sd.tensorMmul(x, w, new int[]{2}, new int[]{0}).mul(sd.constant(random(3, 2, 3, 5))).sum().rename("loss");
        sd.setLossVariables("loss");
        assertFalse(Double.isNaN(sd.output(Map.<String, INDArray>of(), "loss").get("loss").getDouble(0)), "its forward pass works");
        RuntimeException e = assertThrows(RuntimeException.class, () -> sd.calculateGradients(Map.of(), "x", "w"));
        assertTrue(String.valueOf(e.getMessage()).contains("tensormmul_bp"), e.getMessage());
    }

    /** Issue #9773: batchMmul fails on rank-3 operands (an NPE while computing its output shape). The graph uses rank-4 mmul. */
    @Test
    void batchMmulFails() {
        SameDiff sd = SameDiff.create();
        SDVariable a = sd.var("a", random(1, 6, 4, 5));
        SDVariable b = sd.var("b", random(2, 6, 4, 5));
        assertThrows(RuntimeException.class, () -> sd.batchMmul(new SDVariable[]{a}, new SDVariable[]{b}, false, true)[0].eval());
    }

    /**
     * Issue #9773 in the form batchMmul is made for, a list of 2-D products in float: it crashes the JVM in native code
     * (seen: SIGSEGV in bgemm, or "munmap_chunk(): invalid pointer", for three [6, 16] x [16, 10] products), so it runs in
     * a child JVM, which prints {@link BatchMmulChild#WORKS} only when every product matches {@code mmul}.
     */
    @Test
    void batchMmulOfTwoDimensionalProductsCrashesOrIsWrong(@TempDir Path crashes) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // the crash report goes to a temporary folder, not into the module
        Process child = new ProcessBuilder(java.toString(), "-XX:ErrorFile=" + crashes.resolve("hs_err_%p.log"),
                "-cp", System.getProperty("java.class.path"), BatchMmulChild.class.getName())
                .directory(crashes.toFile()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "child JVM hung");
        assertTrue(output.contains("BATCH_MMUL_RAN"), "the child did not start:\n" + output);
        assertFalse(output.contains(BatchMmulChild.WORKS), "M2.1's batchMmul now matches mmul (exit " + child.exitValue() + "): it may be used");
    }

    /** Runs batchMmul in float, as the model would, plain and with B transposed, and says whether it matches mmul. */
    static final class BatchMmulChild {
        static final String WORKS = "BATCH_MMUL_MATCHES_MMUL";

        public static void main(String[] args) {
            System.out.println("BATCH_MMUL_RAN");
            boolean plain = matches(false);
            System.out.println("BATCH_MMUL plain " + (plain ? "right" : "wrong"));
            boolean transposed = matches(true);
            System.out.println("BATCH_MMUL transposeB " + (transposed ? "right" : "wrong"));
            if (plain && transposed) System.out.println(WORKS);
        }

        private static boolean matches(boolean transposeB) {
            SameDiff sd = SameDiff.create();
            SDVariable[] a = new SDVariable[3];
            SDVariable[] b = new SDVariable[3];
            for (int i = 0; i < a.length; i++) {
                a[i] = sd.var("a" + i, random(10 + i, 6, 16).castTo(DataType.FLOAT));
                b[i] = sd.var("b" + i, (transposeB ? random(20 + i, 10, 16) : random(20 + i, 16, 10)).castTo(DataType.FLOAT));
            }
            SDVariable[] out = sd.batchMmul(a, b, false, transposeB);
            boolean all = true;
            for (int i = 0; i < out.length; i++) {
                INDArray got = sd.output(Map.<String, INDArray>of(), out[i].name()).get(out[i].name());
                INDArray want = a[i].getArr().mmul(transposeB ? b[i].getArr().transpose() : b[i].getArr());
                all &= got.equalsWithEps(want, 1e-4);
            }
            return all;
        }
    }

    /** What the graph uses instead: rank-4 mmul with the second operand transposed is the per-head product. */
    @Test
    void rank4MmulWithTransposeIsThePerHeadProduct() {
        INDArray q = random(1, 2, 3, 4, 5);
        INDArray k = random(2, 2, 3, 4, 5);
        SameDiff sd = SameDiff.create();
        INDArray scores = sd.mmul(sd.var("q", q), sd.var("k", k), false, true, false).eval();
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < 3; h++) {
                INDArray expected = q.get(NDArrayIndex.point(b), NDArrayIndex.point(h)).mmul(k.get(NDArrayIndex.point(b), NDArrayIndex.point(h)).transpose());
                assertEquals(expected, scores.get(NDArrayIndex.point(b), NDArrayIndex.point(h)));
            }
        }
    }

    /** logSoftmax with an explicit dimension cannot be differentiated; the graph writes {@code x - max - log(sum(exp))}. */
    @Test
    void logSoftmaxWithADimensionBreaksGradients() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", random(1, 4, 3));
        sd.nn.logSoftmax(x, 1).mul(sd.constant(random(2, 4, 3))).sum().rename("loss");
        sd.setLossVariables("loss");
        assertFalse(Double.isNaN(sd.output(Map.<String, INDArray>of(), "loss").get("loss").getDouble(0)), "its forward pass works");
        assertThrows(RuntimeException.class, () -> sd.calculateGradients(Map.of(), "x"));
    }

    /**
     * SameDiff's own training loop ({@code fit} with a TrainingConfig and ND4J's Adam) fails on the encoder: its training
     * session closes an array that a later op still reads. Hence SameDiffTransformer's own Adam over the gradient pass
     * (which also keeps M2.1's wrong gather gradient out of the update).
     */
    @Test
    void fitOnTheEncoderClosesAnArrayItStillNeeds() {
        TransformerSpec spec = new TransformerSpec(20, 8, 1, 16, 2, 32, 0.1, "pre", "mean", 2, 1e-3, 0.9, 0.999, 1e-8, 2.0, 1);
        SameDiff sd = TransformerGraph.build(spec, DataType.FLOAT).sameDiff();
        List<String> features = new ArrayList<>(List.of(TransformerGraph.IDS, TransformerGraph.TARGETS, TransformerGraph.weight(0), TransformerGraph.weight(1)));
        features.addAll(TransformerGraph.dropoutSites(1));
        sd.setTrainingConfig(new TrainingConfig.Builder().updater(new Adam(1e-3)).dataSetFeatureMapping(features.toArray(new String[0]))
                .dataSetLabelMapping(TransformerGraph.ONE_HOT).build());
        List<INDArray> inputs = new ArrayList<>(List.of(Nd4j.createFromArray(new float[][]{{2, 5, 6, 0, 0, 0, 0, 0}, {2, 7, 0, 0, 0, 0, 0, 0}}),
                Nd4j.zeros(DataType.FLOAT, 2, 2), Nd4j.scalar(DataType.FLOAT, 1.0), Nd4j.scalar(DataType.FLOAT, 0.0)));
        for (int i = 0; i < 3; i++) inputs.add(Nd4j.ones(DataType.FLOAT, 16, 16));
        MultiDataSet batch = new MultiDataSet(inputs.toArray(new INDArray[0]), new INDArray[]{Nd4j.createFromArray(new float[][]{{1, 0}, {0, 1}})});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            for (int step = 0; step < 3; step++) sd.fit(batch);
        });
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    /** preciseGelu is neither GELU's tanh form (0.5 x (1 + tanh(...)) = -0.00364 at -3) nor differentiated consistently. */
    @Test
    void preciseGeluIsNotTheTanhApproximation() {
        SameDiff sd = SameDiff.create();
        double atMinusThree = sd.nn.preciseGelu(sd.var("x", Nd4j.create(new double[]{-3}))).eval().getDouble(0);
        assertTrue(Math.abs(atMinusThree - -0.0036373920817729943) > 1e-3, "preciseGelu(-3) = " + atMinusThree);
    }
}
