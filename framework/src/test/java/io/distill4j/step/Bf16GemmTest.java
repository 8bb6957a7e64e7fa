package io.distill4j.step;

import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.model.Head;
import io.distill4j.model.dl4j.NetworkFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** bf16 products (oneDNN) against fp32 (OpenBLAS): equal within bf16's rounding; a bf16 step learns like an fp32 one. */
class Bf16GemmTest {
    private static final int CLASSES = 10;
    private static final NetworkFactory MNIST = new NetworkFactory(CLASSES, 28, 28, 1, DataType.FLOAT);

    @BeforeEach
    void needsBf16Units() {
        assumeTrue(Precision.bf16Problem().isEmpty(), () -> "no bf16 units here: " + Precision.bf16Problem().orElse(""));
    }

    /** ||a - b|| / ||b||. */
    private static double relativeError(INDArray a, INDArray b) {
        INDArray d = a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE));
        return d.norm2Number().doubleValue() / b.castTo(DataType.DOUBLE).norm2Number().doubleValue();
    }

    @Test
    void productsEqualFp32sWithinBf16Rounding() {
        // small and odd (one block), and the teacher's shapes at batch 128 (two blocks on two threads)
        int[][] shapes = {{9, 16, 8}, {37, 50, 3}, {128, 784, 1200}, {128, 1200, 1200}, {128, 1200, 10}};
        for (int[] s : shapes) {
            int batch = s[0], nIn = s[1], nOut = s[2];
            Nd4j.getRandom().setSeed(batch + nIn + nOut);
            INDArray in = Nd4j.randn(DataType.FLOAT, batch, nIn);
            INDArray w = Nd4j.randn(DataType.FLOAT, nIn, nOut).dup('f').muli(0.05);
            INDArray bias = Nd4j.randn(DataType.FLOAT, nOut);
            INDArray delta = Nd4j.randn(DataType.FLOAT, batch, nOut);
            INDArray ones = Nd4j.ones(DataType.FLOAT, batch);
            Gemm fp32 = Gemm.Fp32.INSTANCE;
            Gemm bf16 = Bf16Gemm.create(new long[]{0}, (long) nIn * nOut);
            INDArray[] expected = products(fp32, batch, nIn, nOut, in, w, bias, ones, delta);
            INDArray[] actual = products(bf16, batch, nIn, nOut, in, w, bias, ones, delta);
            String[] names = {"forward", "weight gradient", "input gradient"};
            for (int k = 0; k < 3; k++) {
                double err = relativeError(actual[k], expected[k]);
                // two operands rounded to 8 significant bits: ~2^-9 each, averaging down over the sums
                assertThat(err).as(names[k] + " " + List.of(batch, nIn, nOut)).isLessThan(1e-2).isGreaterThan(0);
            }
        }
    }

    private static INDArray[] products(Gemm g, int batch, int nIn, int nOut, INDArray in, INDArray w, INDArray bias, INDArray ones,
                                       INDArray delta) {
        INDArray out = Nd4j.create(DataType.FLOAT, batch, nOut);
        INDArray dw = Nd4j.create(DataType.FLOAT, new long[]{nIn, nOut}, 'f');
        INDArray dIn = Nd4j.create(DataType.FLOAT, batch, nIn);
        g.beginPass(false);
        g.forward(0, batch, nIn, nOut, Blas.pointer(in), Blas.pointer(w), Blas.pointer(bias), Blas.pointer(ones), Blas.pointer(out));
        g.weightGradient(0, batch, nIn, nOut, Blas.pointer(in), Blas.pointer(delta), Blas.pointer(dw));
        g.inputGradient(0, batch, nIn, nOut, Blas.pointer(delta), Blas.pointer(w), Blas.pointer(dIn));
        return new INDArray[]{out, dw, dIn};
    }

    @Test
    void aNewPassSeesNewWeights() {
        int batch = 16, nIn = 32, nOut = 8;
        INDArray in = Nd4j.rand(DataType.FLOAT, batch, nIn);
        INDArray w = Nd4j.rand(DataType.FLOAT, nIn, nOut).dup('f');
        INDArray bias = Nd4j.zeros(DataType.FLOAT, nOut);
        INDArray ones = Nd4j.ones(DataType.FLOAT, batch);
        INDArray out = Nd4j.create(DataType.FLOAT, batch, nOut);
        Gemm g = Bf16Gemm.create(new long[]{0}, nIn * nOut);
        g.beginPass(false);
        g.forward(0, batch, nIn, nOut, Blas.pointer(in), Blas.pointer(w), Blas.pointer(bias), Blas.pointer(ones), Blas.pointer(out));
        INDArray first = out.dup();
        w.muli(2);   // powers of two are exact in bf16
        g.beginPass(false);
        g.forward(0, batch, nIn, nOut, Blas.pointer(in), Blas.pointer(w), Blas.pointer(bias), Blas.pointer(ones), Blas.pointer(out));
        assertThat(out).isEqualTo(first.mul(2));
    }

    private static MultiLayerNetwork teacherLike(Head head) {
        ModelSpec spec = new ModelSpec("m", "mlp", List.of(512, 256), List.of(), new OptimizerSpec("adam", 0.001, null), 0.0,
                head == Head.LABELS ? ModelSpec.LABELS : "teacher", ModelSpec.TRAINING_PASS, null, null);
        return MNIST.build(spec, head, 2.0, 0.7, 11);
    }

    private static INDArray oneHot(int batch, long seed) {
        java.util.Random r = new java.util.Random(seed);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, CLASSES);
        for (int i = 0; i < batch; i++) y.putScalar(i, r.nextInt(CLASSES), 1f);
        return y;
    }

    @Test
    void aBf16StepsGradientIsCloseToFp32s() {
        for (Head head : Head.values()) {
            MultiLayerNetwork a = teacherLike(head);
            MultiLayerNetwork b = teacherLike(head);
            FusedMlpStep fp32 = (FusedMlpStep) FusedMlpStep.of(a, Precision.FP32).orElseThrow();
            FusedMlpStep bf16 = (FusedMlpStep) FusedMlpStep.of(b, Precision.BF16).orElseThrow();
            assertThat(bf16.kind()).isEqualTo("fused-bf16");
            Nd4j.getRandom().setSeed(3);
            INDArray x = Nd4j.rand(DataType.FLOAT, 128, 784);
            INDArray y = oneHot(128, 4);
            INDArray t = head == Head.DISTILL ? Nd4j.randn(DataType.FLOAT, 128, CLASSES).muli(3) : null;
            double lossA = fp32.computeGradient(x, y, t, 0.7);
            double lossB = bf16.computeGradient(x, y, t, 0.7);
            assertThat(Math.abs(lossB - lossA) / lossA).as(head + " loss").isLessThan(1e-2);
            INDArray ga = fp32.gradient().castTo(DataType.DOUBLE);
            INDArray gb = bf16.gradient().castTo(DataType.DOUBLE);
            double cosine = ga.mul(gb).sumNumber().doubleValue() / (ga.norm2Number().doubleValue() * gb.norm2Number().doubleValue());
            System.out.printf("bf16 vs fp32 %s: loss %.6f vs %.6f, gradient relative error %.4f, cosine %.6f%n", head, lossB, lossA,
                    relativeError(gb, ga), cosine);
            // 8 significant bits per operand, through three layers and ReLU masks that flip where a pre-activation is near 0
            assertThat(relativeError(gb, ga)).as(head + " gradient").isLessThan(8e-2);
            assertThat(cosine).as(head + " gradient direction").isGreaterThan(0.995);
            // the master weights stay fp32: the bf16 step read them, it did not round them
            assertThat(b.params()).isEqualTo(a.params());
        }
    }

    @Test
    void aFewBf16StepsDecreaseTheLossAndKeepFp32MasterWeights() {
        MultiLayerNetwork net = teacherLike(Head.LABELS);
        FusedMlpStep step = (FusedMlpStep) FusedMlpStep.of(net, Precision.BF16).orElseThrow();
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 128, 784);
        INDArray y = oneHot(128, 6);
        double first = step.fit(x, y, null, 0);
        double last = first;
        for (int i = 0; i < 20; i++) last = step.fit(x, y, null, 0);
        assertThat(last).as("loss after 21 bf16 steps on one batch vs the first").isLessThan(first * 0.5);
        // Adam's steps of ~1e-3 on weights of ~0.05 are below bf16's resolution (2^-8 relative): fp32 master weights keep them
        INDArray p = step.network().params();
        INDArray rounded = p.castTo(DataType.BFLOAT16).castTo(DataType.FLOAT);
        assertThat(p.sub(rounded).amaxNumber().doubleValue()).as("weights not on the bf16 grid").isGreaterThan(0);
    }

    @Test
    void adamsBf16MirrorOfTheWeightsEqualsOneDnnsRounding() {
        MultiLayerNetwork net = teacherLike(Head.LABELS);
        FusedMlpStep step = (FusedMlpStep) FusedMlpStep.of(net, Precision.BF16).orElseThrow();
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, 128, 784);
        INDArray y = oneHot(128, 8);
        for (int i = 0; i < 3; i++) step.fit(x, y, null, 0);
        step.computeGradient(x, y, null, 0);   // weights from the mirror Adam wrote
        INDArray fromMirror = step.gradient().dup();
        step.network();                        // hands the parameters out: the next pass rounds them itself
        step.computeGradient(x, y, null, 0);
        assertThat(step.gradient()).isEqualTo(fromMirror);
    }

    @Test
    void onlyTheFusedMlpStepComputesInBf16() {
        MultiLayerNetwork mlp = teacherLike(Head.LABELS);
        assertThat(TrainingSteps.create(mlp, TrainingSteps.FUSED, Precision.BF16, "m").kind()).isEqualTo("fused-bf16");
        assertThatThrownBy(() -> TrainingSteps.create(mlp, TrainingSteps.DL4J, Precision.BF16, "m"))
                .hasMessageContaining("fp32 only");
        MultiLayerNetwork cnn = MNIST.build(new ModelSpec("c", "cnn", List.of(16), List.of(new io.distill4j.config.ConvSpec(4, 5, 2)),
                new OptimizerSpec("adam", 0.01, null), 0.0, ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null), Head.LABELS, 2, 0.5, 1);
        assertThatThrownBy(() -> TrainingSteps.create(cnn, TrainingSteps.FUSED, Precision.BF16, "c"))
                .hasMessageContaining("cannot train in bf16");
        assertThatThrownBy(() -> TrainingSteps.create(mlp, TrainingSteps.FUSED, "fp8", "m")).hasMessageContaining("unknown precision 'fp8'");
    }

    @Test
    void describesTheImplementationOneDnnPicks() {
        assertThat(Bf16Gemm.describe()).startsWith("oneDNN 2.5.2 ").contains("bf16");
    }
}
