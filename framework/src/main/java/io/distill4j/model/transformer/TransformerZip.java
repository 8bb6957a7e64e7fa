package io.distill4j.model.transformer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.data.text.WordVocabulary;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

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

    private TransformerZip() {
    }

    static void write(SameDiffTransformer model, Map<String, byte[]> entries, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        put(zip, SPEC, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(model.spec()));
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
        put(zip, PARAMETERS, params.toByteArray());
        for (Map.Entry<String, byte[]> e : entries.entrySet()) put(zip, e.getKey(), e.getValue());
        zip.finish();
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** A model read back from its zip, with the zip's other entries and its vocabulary (null when it carries none). */
    public record Loaded(SameDiffTransformer model, Map<String, byte[]> entries, WordVocabulary vocabulary) {
        /** Class probabilities of raw text, through the zip's own vocabulary (CLS first, as in training). */
        public double[] classify(String text) {
            if (vocabulary == null) throw new IllegalStateException("this model carries no " + VOCABULARY + ": it cannot read raw text");
            int[] ids = vocabulary.encode(text, model.spec().maxLength(), true);
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
        Map<String, byte[]> entries = new LinkedHashMap<>();
        ZipInputStream zip = new ZipInputStream(in);
        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) entries.put(e.getName(), zip.readAllBytes());
        byte[] spec = entries.remove(SPEC);
        byte[] params = entries.remove(PARAMETERS);
        if (spec == null || params == null) throw new IOException("not a Distill4J transformer zip: no " + SPEC + " or " + PARAMETERS);
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(params));
        int count = data.readInt();
        Map<String, float[]> values = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = data.readUTF();
            float[] v = new float[data.readInt()];
            Floats.read(data, v);
            values.put(name, v);
        }
        return new Saved(JSON.readValue(spec, TransformerSpec.class), values, entries);
    }

    /** Reads a zip {@link #write} wrote. */
    public static Loaded read(InputStream in) throws IOException {
        Saved saved = readSaved(in);
        SameDiffTransformer model = new SameDiffTransformer(saved.spec(), Distillation.labelsOnly());
        model.setParameterValues(saved.parameters());
        // parsed once here, not at every classify call
        byte[] vocabulary = saved.entries().get(VOCABULARY);
        return new Loaded(model, saved.entries(), vocabulary == null ? null : WordVocabulary.read(new ByteArrayInputStream(vocabulary), VOCABULARY));
    }
}
