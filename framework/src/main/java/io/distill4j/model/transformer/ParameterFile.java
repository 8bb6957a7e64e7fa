package io.distill4j.model.transformer;

import io.distill4j.model.ModelFileException;
import io.distill4j.model.ZipReader;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code parameters.bin} of a model zip read as an untrusted file: {@code int count}, then per array {@code UTF name},
 * {@code int length}, {@code length} big-endian floats. Every declared length is bounded by what the spec
 * ({@link SpecFile}, already bounded) leaves before an array is allocated; the values must add up to the spec's
 * parameter count exactly, be finite, and end the entry.
 */
final class ParameterFile {
    /** More arrays than a transformer of 64 layers has. */
    static final int MAX_ARRAYS = 4096;

    private ParameterFile() {
    }

    static Map<String, float[]> read(ZipReader zip, TransformerSpec spec) throws IOException {
        long expected = spec.parameters();
        DataInputStream data = new DataInputStream(zip.open(4 * expected + (1L << 20)));
        Map<String, float[]> values = new LinkedHashMap<>();
        String name = null;
        try {
            int count = data.readInt();
            if (count < 1 || count > MAX_ARRAYS) throw zip.problem("declares " + count + " parameter arrays, expected 1.." + MAX_ARRAYS);
            long total = 0;
            for (int i = 0; i < count; i++) {
                name = data.readUTF();
                int length = data.readInt();
                if (length < 0 || length > expected - total) {
                    throw zip.problem("parameter " + name + " declares " + length + " values, expected 0.." + (expected - total)
                            + " (what is left of the " + expected + " parameters " + TransformerZip.SPEC + " describes)");
                }
                if (values.containsKey(name)) throw zip.problem("parameter " + name + " appears twice");
                float[] v = new float[length];
                Floats.read(data, v);
                for (float f : v) if (!Float.isFinite(f)) throw zip.problem("parameter " + name + " holds a value that is not finite (NaN or infinity)");
                values.put(name, v);
                total += length;
            }
            if (total != expected) {
                throw zip.problem("holds " + total + " parameter values, but " + TransformerZip.SPEC + " describes a model of " + expected);
            }
            if (data.read() != -1) throw zip.problem("has bytes after its last parameter array");
        } catch (EOFException e) {
            throw zip.problem("is truncated" + (name == null ? "" : " (it ends in or after parameter " + name + ")"));
        } catch (UTFDataFormatException e) {
            throw zip.problem("holds a parameter name that is not valid modified UTF-8");
        }
        return values;
    }
}
