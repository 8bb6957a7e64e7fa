package io.distill4j.model.transformer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import io.distill4j.data.DataException;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link TransformerZip#read} as far as the model build and a {@link TransformerZip.Loaded#classify} of raw text
 * (where a vocabulary bigger than the embedding table crashed natively, RELIABILITY-ROUND3 D1). Contract: a model whose
 * classify gives finite probabilities summing to 1, or an {@link IOException}, {@link IllegalArgumentException} or
 * {@link DataException}. Input: first byte bit 0 set, the rest is the zip as is; otherwise the rest is
 * {@code transformer.json}, {@code parameters.bin}, {@code vocabulary.json}, split at {@link #SEPARATOR} (an empty part:
 * no entry), zipped here so that the fuzzer mutates the entries, not the CRCs.
 */
class TransformerZipFuzzTest {
    static final byte[] SEPARATOR = "\n--8<--\n".getBytes(StandardCharsets.US_ASCII);
    static final List<String> ENTRIES = List.of(TransformerZip.SPEC, TransformerZip.PARAMETERS, TransformerZip.VOCABULARY);
    private static final FuzzContract FUZZ = new FuzzContract("transformer-zip", true);

    static {
        // ND4J's and SameDiff's start-up, before the first input's time limit runs
        new SameDiffTransformer(new TransformerSpec(20, 8, 1, 8, 2, 16, 0.0, "pre", "mean", 2, 1e-3, 0.9, 0.999, 1e-8, 2.0, 1))
                .inferenceLogits(org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 8));
    }

    @FuzzTest(maxDuration = "60s")
    void readZip(byte[] input) throws Throwable {
        if (input.length < 1 || input.length > FuzzContract.MAX_INPUT) return;
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        byte[] zip = (input[0] & 1) != 0 ? rest : FuzzContract.zip(FuzzContract.split(rest, ENTRIES.size(), SEPARATOR), ENTRIES);
        FUZZ.run(input, () -> {
            TransformerZip.Loaded loaded = TransformerZip.read(new ByteArrayInputStream(zip));
            if (loaded.vocabulary() == null) return;
            double[] p = loaded.classify("the movie was not bad at all , really ! " + String.join(" ", loaded.vocabulary().words()));
            double sum = Arrays.stream(p).sum();
            if (p.length != loaded.model().spec().classes() || !(Math.abs(sum - 1) < 1e-3)) {
                throw new AssertionError("classify gave " + Arrays.toString(p));
            }
        }, IOException.class, IllegalArgumentException.class, DataException.class);
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
