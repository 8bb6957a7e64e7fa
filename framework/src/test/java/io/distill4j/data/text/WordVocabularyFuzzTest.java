package io.distill4j.data.text;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import io.distill4j.data.DataException;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

/**
 * Fuzzes {@link WordVocabulary#read} (vocabulary.json of a run folder or a text model's zip), then encodes a text with
 * what it read and writes it back. Contract: a vocabulary whose ids stay inside {@code [0, size)} and which reads back
 * equal, or a {@link DataException}.
 */
class WordVocabularyFuzzTest {
    private static final FuzzContract FUZZ = new FuzzContract("word-vocabulary", false);

    @FuzzTest(maxDuration = "60s")
    void readVocabulary(byte[] input) throws Throwable {
        if (input.length > FuzzContract.MAX_INPUT) return;
        FUZZ.run(input, () -> {
            WordVocabulary v = WordVocabulary.read(new ByteArrayInputStream(input), "vocabulary.json");
            for (int id : v.encode("the movie was not bad at all , really ! <unk> " + String.join(" ", v.words()), 16, true)) {
                if (id < 0 || id >= v.size()) throw new AssertionError("id " + id + " outside the vocabulary of " + v.size());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            v.writeTo(out);
            if (!WordVocabulary.read(new ByteArrayInputStream(out.toByteArray()), "written").equals(v)) {
                throw new AssertionError("the vocabulary does not read back equal");
            }
        }, DataException.class);
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
