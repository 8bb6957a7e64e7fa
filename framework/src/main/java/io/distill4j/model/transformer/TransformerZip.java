package io.distill4j.model.transformer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.data.DataException;
import io.distill4j.data.text.WordVocabulary;
import io.distill4j.model.ModelFileException;
import io.distill4j.model.ModelZip;
import io.distill4j.model.ZipReader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.file.Path;

/**
 * A deployable transformer: a zip of {@code transformer.json} (the {@link TransformerSpec}: enough to rebuild the graph),
 * {@code parameters.bin} (every parameter by name, no optimizer state) and the caller's entries — for a text model its
 * {@link #VOCABULARY}, so that the file alone turns raw text into a class ({@link Loaded#classify}).
 */
public final class TransformerZip {
    public static final String SPEC = "transformer.json";
    public static final String PARAMETERS = "parameters.bin";
    /** The vocabulary entry a text model's zip carries ({@link WordVocabulary#writeTo}). */
    public static final String VOCABULARY = WordVocabulary.FILE_NAME;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How errors name a zip read from a stream of unknown origin. */
    static final String STREAM = "model zip";

    private TransformerZip() {
    }

    /**
     * Writes the spec, the parameters, then {@code entries}; with entries (an export), {@link EntryChecksums} last. Without
     * entries the zip is the model alone (the report's measure of its size).
     */
    static void write(SameDiffTransformer model, Map<String, byte[]> entries, OutputStream out) throws IOException {
        ModelZip.Writer zip = new ModelZip.Writer(out);
        zip.put(SPEC, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(model.spec()), -1);
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(params);
        Map<String, float[]> values = model.parameterValues();
        data.writeInt(values.size());
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            data.writeUTF(e.getKey());
            data.writeInt(e.getValue().length);
            Floats.write(data, e.getValue());
        }
        data.flush();
        zip.put(PARAMETERS, params.toByteArray(), -1);
        for (Map.Entry<String, byte[]> e : entries.entrySet()) zip.put(e.getKey(), e.getValue(), -1);
        zip.finish(!entries.isEmpty());
    }

    /** A model read back from its zip, with the zip's other entries and its vocabulary (null when it carries none). */
    public record Loaded(SameDiffTransformer model, Map<String, byte[]> entries, WordVocabulary vocabulary) {
        /** Class probabilities of raw text, through the zip's own vocabulary (CLS first, as in training). */
        public double[] classify(String text) {
            if (text == null) throw new IllegalArgumentException("text to classify is null");
            if (vocabulary == null) throw new IllegalStateException("this model carries no " + VOCABULARY + ": it cannot read raw text");
            int[] ids = vocabulary.encode(text, model.spec().maxLength(), true);
            // read() refused a vocabulary larger than the embedding table; checked again here because an id past the
            // table is an out-of-bounds native read (a crash, or other probabilities for the same text)
            for (int id : ids) {
                if (id < 0 || id >= model.spec().vocabSize()) {
                    throw new IllegalStateException("token id " + id + " is outside the model's vocabulary of " + model.spec().vocabSize());
                }
            }
            INDArray row = Nd4j.createFromArray(ids).castTo(DataType.FLOAT).reshape(1, ids.length);
            INDArray logits = model.inferenceLogits(row);
            double[] z = logits.toDoubleVector();
            double max = java.util.Arrays.stream(z).max().orElse(0);
            double sum = 0;
            for (int i = 0; i < z.length; i++) sum += (z[i] = Math.exp(z[i] - max));
            for (int i = 0; i < z.length; i++) z[i] /= sum;
            return z;
        }
    }

    /** A zip's spec, parameters by name, and its other entries. */
    record Saved(TransformerSpec spec, Map<String, float[]> parameters, Map<String, byte[]> entries) {
    }

    /** Reads the parts of a zip {@link #write} wrote, without building a model. */
    static Saved readSaved(InputStream in) throws IOException {
        return readSaved(in, STREAM, null);
    }

    /**
     * Reads the parts of a zip {@link #write} wrote, without building a model, as an untrusted file ({@link ZipReader},
     * {@link SpecFile}, {@link ParameterFile}). With {@code expected}, a spec of another architecture is refused (an
     * IllegalArgumentException saying what differs) before any parameter is read.
     */
    static Saved readSaved(InputStream in, String source, TransformerSpec expected) throws IOException {
        ZipReader zip = new ZipReader(in, source);
        TransformerSpec spec = null;
        Map<String, float[]> values = null;
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String name = zip.next(); name != null; name = zip.next()) {
            if (SPEC.equals(name)) {
                try {
                    spec = SpecFile.read(zip);
                } catch (ModelFileException e) {
                    throw zip.preferModified(e);
                }
                String differs = expected == null ? null : spec.architectureDifference(expected);
                if (differs != null) throw new IllegalArgumentException("another architecture: " + differs);
            } else if (PARAMETERS.equals(name)) {
                if (spec == null) throw zip.problem("comes before " + SPEC + ", which says how many values it may hold");
                try {
                    values = ParameterFile.read(zip, spec);
                } catch (ModelFileException e) {
                    throw zip.preferModified(e);
                }
            } else {
                // a vocabulary: one short word per id (held whole, so also within a quarter of the heap); anything else
                // of ours is a few KB
                long limit = VOCABULARY.equals(name) && spec != null
                        ? Math.min(ZipReader.SMALL_ENTRY + 64L * spec.vocabSize(), Math.max(ZipReader.SMALL_ENTRY, Runtime.getRuntime().maxMemory() / 4))
                        : ZipReader.SMALL_ENTRY;
                entries.put(name, zip.readAll(limit));
            }
        }
        zip.finish();
        if (spec == null || values == null) {
            throw new ModelFileException(source, null, "not a Distill4J transformer zip: it has no " + (spec == null ? SPEC : PARAMETERS));
        }
        return new Saved(spec, values, entries);
    }

    /** Reads a zip {@link #write} wrote from a stream (errors name it "model zip"). */
    public static Loaded read(InputStream in) throws IOException {
        return read(in, STREAM);
    }

    /** Reads a model zip file {@link #write} wrote; errors name the file. */
    public static Loaded read(Path file) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads a zip {@link #write} wrote; {@code source} names it in errors. A malformed zip is a {@link ModelFileException},
     * an entry changed since export a {@link io.distill4j.model.ModifiedEntryException}.
     */
    public static Loaded read(InputStream in, String source) throws IOException {
        Saved saved = readSaved(in, source, null);
        // before the model is built: a vocabulary larger than its embedding table would send ids past the table
        byte[] bytes = saved.entries().get(VOCABULARY);
        WordVocabulary vocabulary = null;
        if (bytes != null) {
            try {
                vocabulary = WordVocabulary.read(new ByteArrayInputStream(bytes), VOCABULARY);
            } catch (DataException e) {
                String m = e.getMessage();
                throw new ModelFileException(source, VOCABULARY, m.startsWith(VOCABULARY + ": ") ? m.substring(VOCABULARY.length() + 2) : m);
            }
            if (vocabulary.size() > saved.spec().vocabSize()) {
                throw new ModelFileException(source, VOCABULARY, "holds " + vocabulary.size() + " ids (3 specials and "
                        + vocabulary.words().size() + " words), but the model's embedding table (" + SPEC + " vocabSize) has "
                        + saved.spec().vocabSize());
            }
        }
        SameDiffTransformer model = new SameDiffTransformer(saved.spec(), Distillation.labelsOnly());
        try {
            model.setParameterValues(saved.parameters());
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(source, PARAMETERS, e.getMessage());
        }
        return new Loaded(model, saved.entries(), vocabulary);
    }
}
