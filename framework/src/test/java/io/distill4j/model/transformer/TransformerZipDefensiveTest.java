package io.distill4j.model.transformer;

import io.distill4j.data.text.WordVocabulary;
import io.distill4j.model.EntryChecksums;
import io.distill4j.model.ModelFileException;
import io.distill4j.model.ModifiedEntryException;
import io.distill4j.model.ZipFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A transformer zip is read as an untrusted file (round 3: D1, D7, I08/I09 of D21): every tampered or malformed zip is a
 * one-line {@link ModelFileException} naming the entry, never a native crash, an OutOfMemoryError or Jackson's words.
 */
class TransformerZipDefensiveTest {
    private static final int VOCAB = 20;
    private static final String PROVENANCE = "distill4j-provenance.json";
    private static byte[] export;
    private static WordVocabulary words;

    static TransformerSpec spec() {
        return new TransformerSpec(VOCAB, 8, 1, 16, 2, 32, 0.0, "pre", "mean", 2, 3e-3, 0.9, 0.999, 1e-8, 2.0, 11);
    }

    /** A real export: a few steps of training, a vocabulary of 6 ids (fewer than the table's 20, as a small corpus gives). */
    @BeforeAll
    static void export() throws IOException {
        SameDiffTransformer model = new SameDiffTransformer(spec());
        INDArray ids = org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][]{{2, 3, 4, 0, 0, 0, 0, 0}, {2, 5, 5, 4, 0, 0, 0, 0}});
        INDArray y = org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][]{{1, 0}, {0, 1}});
        for (int i = 0; i < 3; i++) model.fit(ids, y, null, 0);
        words = WordVocabulary.fromCounts(Map.of("great", 10L, "awful", 9L, "film", 8L), 6);
        export = exportOf(model, words);
    }

    static byte[] exportOf(SameDiffTransformer model, WordVocabulary vocabulary) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        vocabulary.writeTo(v);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(TransformerZip.VOCABULARY, v.toByteArray());
        entries.put(PROVENANCE, "{\"model\":\"student-8\"}".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        model.export(zip, entries);
        return zip.toByteArray();
    }

    private static TransformerZip.Loaded read(byte[] zip) throws IOException {
        return TransformerZip.read(new ByteArrayInputStream(zip), "t.zip");
    }

    private static Map<String, byte[]> entries() throws IOException {
        return ZipFixtures.entries(export);
    }

    /** The export's vocabulary.json with {@code extraWords} more words (the round-3 reproduction's edit). */
    private static byte[] vocabularyOf(int extraWords) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode v = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(entries().get(TransformerZip.VOCABULARY));
        com.fasterxml.jackson.databind.node.ArrayNode w = (com.fasterxml.jackson.databind.node.ArrayNode) v.get("words");
        for (int i = 0; i < extraWords; i++) w.add("zzextra" + i);
        return json.writeValueAsBytes(v);
    }

    @Test
    void anExportCarriesTheChecksumsOfItsEntriesAndReadsBack() throws IOException {
        assertThat(entries()).containsKey(EntryChecksums.ENTRY);
        TransformerZip.Loaded loaded = read(export);
        assertThat(loaded.entries()).containsOnlyKeys(TransformerZip.VOCABULARY, PROVENANCE);
        assertThat(loaded.classify("a great film")).hasSize(2);
    }

    /** D1: ids past the 20-row embedding table were an out-of-bounds native gather (SIGSEGV, or other probabilities). */
    @Test
    void aVocabularyLargerThanTheEmbeddingTableIsRefusedEvenWithRecomputedChecksums() throws IOException {
        Map<String, byte[]> e = entries();
        e.put(TransformerZip.VOCABULARY, vocabularyOf(VOCAB - words.size() + 1));   // 21 ids on a 20-row table
        assertThatThrownBy(() -> read(ZipFixtures.zipWithChecksums(e))).isInstanceOf(ModelFileException.class)
                .hasMessage("t.zip: entry vocabulary.json: holds 21 ids (3 specials and 18 words), but the model's embedding table "
                        + "(transformer.json vocabSize) has 20");
        e.put(TransformerZip.VOCABULARY, vocabularyOf(VOCAB - words.size()));      // exactly the table: fine
        TransformerZip.Loaded full = read(ZipFixtures.zipWithChecksums(e));
        double[] p = full.classify("zzextra13 great zzextra0");
        assertThat(full.classify("zzextra13 great zzextra0")).containsExactly(p);
    }

    @Test
    void classifyOfNullIsAnIllegalArgument() throws IOException {
        TransformerZip.Loaded loaded = read(export);
        assertThatThrownBy(() -> loaded.classify(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    }

    /** The same tampering without recomputing the checksums is reported as a modified entry, not a malformed one. */
    @Test
    void anEditedEntryIsReportedAsModified() throws IOException {
        Map<String, byte[]> e = entries();
        e.put(PROVENANCE, "{\"model\":\"student-64\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> read(ZipFixtures.zip(e))).isInstanceOf(ModifiedEntryException.class)
                .hasMessage("entry distill4j-provenance.json of t.zip was modified (checksum mismatch)");
        // an edit that also breaks the entry is still reported as the edit it is
        Map<String, byte[]> truncated = entries();
        byte[] params = truncated.get(TransformerZip.PARAMETERS);
        truncated.put(TransformerZip.PARAMETERS, Arrays.copyOf(params, params.length - 7));
        assertThatThrownBy(() -> read(ZipFixtures.zip(truncated))).isInstanceOf(ModifiedEntryException.class)
                .hasMessage("entry parameters.bin of t.zip was modified (checksum mismatch)");
        Map<String, byte[]> spec = entries();
        spec.put(TransformerZip.SPEC, new String(spec.get(TransformerZip.SPEC), StandardCharsets.UTF_8).replace("\"heads\" : 2", "\"heads\" : 3")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> read(ZipFixtures.zip(spec))).isInstanceOf(ModifiedEntryException.class)
                .hasMessage("entry transformer.json of t.zip was modified (checksum mismatch)");
        Map<String, byte[]> added = entries();
        added.put("extra.bin", new byte[]{1});
        assertThatThrownBy(() -> read(ZipFixtures.zip(added))).isInstanceOf(ModelFileException.class)
                .isNotInstanceOf(ModifiedEntryException.class).hasMessageContaining("extra.bin").hasMessageContaining("not listed");
        Map<String, byte[]> removed = entries();
        removed.remove(PROVENANCE);
        assertThatThrownBy(() -> read(ZipFixtures.zip(removed))).isInstanceOf(ModelFileException.class).hasMessageContaining("is missing");
    }

    private static byte[] parameters(int count, String name, int length, int floats) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(count);
        d.writeUTF(name);
        d.writeInt(length);
        for (int i = 0; i < floats; i++) d.writeFloat(0.5f);
        return b.toByteArray();
    }

    private static void refusedParameters(byte[] params, String... expected) {
        Map<String, byte[]> e;
        try {
            e = entries();
        } catch (IOException x) {
            throw new AssertionError(x);
        }
        e.put(TransformerZip.PARAMETERS, params);
        assertThatThrownBy(() -> read(ZipFixtures.zipWithChecksums(e))).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("t.zip: entry parameters.bin: ").hasMessageContainingAll(expected);
    }

    /** D7: a negative or huge declared length, truncation, a wrong total, NaN: refused before any allocation they declare. */
    @Test
    void malformedParametersAreRefusedNamingTheEntry() throws IOException {
        refusedParameters(parameters(1, "tokens", -1, 0), "parameter tokens declares -1 values");
        refusedParameters(parameters(1, "tokens", Integer.MAX_VALUE, 0), "declares " + Integer.MAX_VALUE + " values");
        refusedParameters(parameters(-5, "tokens", 1, 0), "declares -5 parameter arrays");
        refusedParameters(parameters(1, "tokens", 10, 3), "is truncated");
        refusedParameters(parameters(1, "tokens", 10, 10), "holds 10 parameter values, but transformer.json describes a model of "
                + spec().parameters());
        byte[] original = entries().get(TransformerZip.PARAMETERS);
        refusedParameters(Arrays.copyOf(original, original.length - 7), "is truncated");
        byte[] longer = Arrays.copyOf(original, original.length + 3);
        refusedParameters(longer, "bytes after its last parameter");
        byte[] nan = original.clone();
        int at = nan.length - 4;
        nan[at] = 0x7f;
        nan[at + 1] = (byte) 0xc0;
        nan[at + 2] = 0;
        nan[at + 3] = 0;
        refusedParameters(nan, "not finite");
    }

    private static void refusedSpec(String json, String expected) throws IOException {
        Map<String, byte[]> e = entries();
        e.put(TransformerZip.SPEC, json.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> read(ZipFixtures.zipWithChecksums(e))).isInstanceOf(ModelFileException.class)
                .hasMessage("t.zip: entry transformer.json: " + expected)
                .hasMessageNotContainingAny("Cannot construct", "Source:", "REDACTED", "\n");
    }

    /** I08/I09: the problem in our words, on one line, not Jackson's "Cannot construct instance of ..." + " at [Source: ...]". */
    @Test
    void aMalformedSpecIsDescribedInOurWords() throws IOException {
        String good = new String(entries().get(TransformerZip.SPEC), StandardCharsets.UTF_8);
        refusedSpec(good.replace("\"heads\" : 2", "\"heads\" : 3"), "not a valid transformer spec: hidden 16 is not a multiple of heads 3");
        refusedSpec(good.replace("\"hidden\" : 16,", ""), "field 'hidden' is missing");
        refusedSpec(good.replace("\"hidden\" : 16", "\"hidden\" : \"wide\""), "field 'hidden' has a value of the wrong type");
        refusedSpec("{\"vocabSize\": ", "not valid JSON (line 1, column 15)");
        refusedSpec("[1, 2]", "expected a JSON object with vocabSize, maxLength, layers, hidden, heads, ffn, dropout, norm, pooling, "
                + "classes, learningRate, beta1, beta2, epsilon, temperature, seed");
        refusedSpec(good.replace("\"vocabSize\" : 20", "\"vocabSize\" : 2000000000"), "field 'vocabSize' is 2000000000, expected at most 16777216");
        refusedSpec(good.replace("\"maxLength\" : 8", "\"maxLength\" : 60000"), "heads x maxLength^2 = 7200000000 attention scores per text, "
                + "more than 268435456 that inference can hold");
    }

    /** D7: a 1.8 MB zip bomb was an OutOfMemoryError in the caller's JVM; it is refused after the entry's limit. */
    @Test
    void aZipBombIsRefusedWithoutBeingReadWhole() throws IOException {
        Map<String, byte[]> e = entries();
        e.put("bomb.txt", new byte[40 << 20]);   // 40 MiB of zeros: about 40 KB deflated
        byte[] bomb = ZipFixtures.zipWithChecksums(e);
        assertThat(bomb.length).isLessThan(1 << 20);
        assertThatThrownBy(() -> read(bomb)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("t.zip: entry bomb.txt: holds more than 16777216 bytes");
    }

    @Test
    void whatIsNoZipOrNoTransformerZipIsSaidSo() {
        assertThatThrownBy(() -> read("not a zip at all".getBytes(StandardCharsets.UTF_8))).isInstanceOf(ModelFileException.class)
                .hasMessage("t.zip: not a zip file, or an empty one");
        assertThatThrownBy(() -> read(ZipFixtures.zip(Map.of("a.txt", new byte[]{1})))).isInstanceOf(ModelFileException.class)
                .hasMessage("t.zip: not a Distill4J transformer zip: it has no transformer.json");
        assertThatThrownBy(() -> read(Arrays.copyOf(export, export.length / 2))).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("t.zip: ");
    }

    /** init: into a model of another architecture is refused on the spec, before parameters.bin is read. */
    @Test
    void initialisingAnotherArchitectureIsRefusedBeforeItsParametersAreRead() throws IOException {
        Map<String, byte[]> e = entries();
        e.put(TransformerZip.PARAMETERS, parameters(1, "tokens", Integer.MAX_VALUE, 0));
        SameDiffTransformer wider = new SameDiffTransformer(new TransformerSpec(VOCAB, 8, 1, 32, 2, 32, 0.0, "pre", "mean", 2, 3e-3,
                0.9, 0.999, 1e-8, 2.0, 11));
        assertThatThrownBy(() -> wider.initialise(new ByteArrayInputStream(ZipFixtures.zipWithChecksums(e))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another architecture").hasMessageContaining("hidden 16");
        SameDiffTransformer same = new SameDiffTransformer(spec());
        assertThatThrownBy(() -> same.initialise(new ByteArrayInputStream(ZipFixtures.zipWithChecksums(e))))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("entry parameters.bin");
    }
}
