package io.distill4j.model.dl4j;

import io.distill4j.model.ModelFileException;
import io.distill4j.model.ModelZip;
import io.distill4j.model.ZipReader;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A DL4J network zip ({@code ModelSerializer}'s, or our export of one) read as an untrusted file for {@code init:}: DL4J
 * allocates whatever {@code configuration.json} and {@code coefficients.bin} declare, natively, so both are checked
 * against the network being started before DL4J sees them: every entry bounded ({@link ZipReader}), the configuration's
 * layers of the same parameter counts as this network's, the coefficient array's header declaring exactly this
 * network's parameters in a float type, its values present and finite. Only then does ModelSerializer read a zip rebuilt
 * from the two checked entries.
 */
final class SavedNetwork {
    static final String CONFIGURATION = "configuration.json";
    static final String COEFFICIENTS = "coefficients.bin";
    static final String UPDATER = "updaterState.bin";
    /** Optimizer state values per parameter a checkpoint may hold (Adam: 2; no optimizer here keeps more than 3). */
    static final long MAX_STATE_PER_PARAMETER = 4;
    /** Element sizes of the data types a coefficient array may be saved in. */
    private static final Map<String, Integer> SIZES = Map.of("FLOAT", 4, "DOUBLE", 8, "HALF", 2, "BFLOAT16", 2);
    private static final int MAX_RANK = 32;

    private SavedNetwork() {
    }

    /**
     * The saved network, its architecture and parameter count checked against {@code own}'s; with {@code updater} (a
     * checkpoint's zip) its optimizer state too, whose array may hold at most {@value #MAX_STATE_PER_PARAMETER} values per
     * parameter (Adam keeps 2).
     */
    static MultiLayerNetwork read(InputStream in, MultiLayerNetwork own, boolean updater) throws IOException {
        ZipReader zip = new ZipReader(in, "model zip");
        long params = own.numParams();
        byte[] configuration = null;
        byte[] coefficients = null;
        byte[] state = null;
        // held (each bounded by this network's size) and checked only after the checksums: an edited entry is reported
        // as modified, not as whatever the edit broke
        for (String name = zip.next(); name != null; name = zip.next()) {
            if (CONFIGURATION.equals(name)) {
                configuration = zip.readAll(ZipReader.SMALL_ENTRY);
            } else if (COEFFICIENTS.equals(name)) {
                coefficients = zip.readAll(8 * params + (64 << 10));
            } else if (updater && UPDATER.equals(name)) {
                state = zip.readAll(8 * MAX_STATE_PER_PARAMETER * params + (64 << 10));
            } else {
                zip.open(ZipReader.SMALL_ENTRY + 16 * params);   // not read, but bounded
            }
        }
        zip.finish();
        if (configuration == null || coefficients == null) {
            throw new ModelFileException(zip.source(), null, "not a saved DL4J network: it has no " + (configuration == null ? CONFIGURATION : COEFFICIENTS));
        }
        checkLayers(configuration, own, problems(zip, CONFIGURATION));
        checkArray(coefficients, params, true, problems(zip, COEFFICIENTS));
        if (state != null) checkArray(state, MAX_STATE_PER_PARAMETER * params, false, problems(zip, UPDATER));
        ByteArrayOutputStream checked = new ByteArrayOutputStream();
        ModelZip.Writer out = new ModelZip.Writer(checked);
        out.put(CONFIGURATION, configuration, -1);
        out.put(COEFFICIENTS, coefficients, -1);
        if (state != null) out.put(UPDATER, state, -1);
        out.finish(false);
        return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(checked.toByteArray()), state != null);
    }

    /** Problems of one entry, named as the zip names it. */
    private static Function<String, ModelFileException> problems(ZipReader zip, String entry) {
        return text -> new ModelFileException(zip.source(), entry, text);
    }

    /** Same number of layers, each with as many parameters as this network's: nothing larger is ever allocated. */
    private static void checkLayers(byte[] json, MultiLayerNetwork own, Function<String, ModelFileException> problem)
            throws ModelFileException {
        MultiLayerConfiguration saved;
        List<NeuralNetConfiguration> theirs;
        try {
            saved = MultiLayerConfiguration.fromJson(new String(json, StandardCharsets.UTF_8));
            theirs = saved.getConfs();
        } catch (RuntimeException e) {
            throw problem.apply("not a DL4J network configuration");
        }
        List<NeuralNetConfiguration> mine = own.getLayerWiseConfigurations().getConfs();
        if (theirs == null || theirs.size() != mine.size()) {
            throw new IllegalArgumentException("another architecture: the saved network has " + (theirs == null ? 0 : theirs.size())
                    + " layers, this one " + mine.size());
        }
        for (int i = 0; i < mine.size(); i++) {
            long t;
            try {
                t = theirs.get(i).getLayer().initializer().numParams(theirs.get(i));
            } catch (RuntimeException e) {
                throw problem.apply("layer " + i + " is not a layer this version can size");
            }
            long m = mine.get(i).getLayer().initializer().numParams(mine.get(i));
            if (t != m) {
                final int layer = i;
                List<String> keys = mine.get(i).getLayer().initializer().paramKeys(mine.get(i).getLayer()).stream().map(k -> layer + "_" + k).toList();
                throw new IllegalArgumentException("another architecture: layer " + i + " (parameters " + String.join(", ", keys) + ") has "
                        + t + " values in the saved network, " + m + " in this one");
            }
        }
    }

    /**
     * ND4J's array format: a shape buffer, then a data buffer, each {@code UTF allocation mode, long length, UTF type,
     * values}. The shape buffer is {@code [rank, shape..., stride..., extras, elementWiseStride, order]}.
     */
    private static void checkArray(byte[] bytes, long params, boolean exact, Function<String, ModelFileException> problem)
            throws ModelFileException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            in.readUTF();
            long shapeLength = in.readLong();
            String shapeType = in.readUTF();
            if (shapeLength < 4 || shapeLength > 2L * MAX_RANK + 4 || !(shapeType.equals("LONG") || shapeType.equals("INT"))) {
                throw problem.apply("not an ND4J array: a shape of " + shapeLength + " " + shapeType + " values");
            }
            long[] shape = new long[(int) shapeLength];
            for (int i = 0; i < shape.length; i++) shape[i] = shapeType.equals("LONG") ? in.readLong() : in.readInt();
            long rank = shape[0];
            long elements = 1;
            if (rank < 0 || 2 * rank + 4 != shapeLength) throw problem.apply("not an ND4J array: rank " + rank);
            for (int i = 1; i <= rank; i++) {
                if (shape[i] < 0 || shape[i] > params) throw problem.apply("declares a dimension of " + shape[i] + ", expected 0.." + params);
                elements *= shape[i];
            }
            in.readUTF();
            long length = in.readLong();
            String type = in.readUTF();
            if (length != elements) throw problem.apply("declares " + length + " values for an array of shape of " + elements + " elements");
            if (!exact && length > params) throw problem.apply("declares " + length + " values, expected at most " + params);
            if (exact && length != params) {
                throw new IllegalArgumentException("another architecture: the saved network has " + length + " parameters, this one " + params);
            }
            Integer size = SIZES.get(type);
            if (size == null) throw problem.apply("holds values of type " + type + ", expected one of " + SIZES.keySet());
            if (in.available() != length * size) {
                throw problem.apply("holds " + in.available() + " bytes of values, " + length + " " + type + " values need " + length * size);
            }
            if (type.equals("FLOAT")) {
                for (long i = 0; i < length; i++) {
                    if (!Float.isFinite(in.readFloat())) throw problem.apply("holds a parameter that is not finite (NaN or infinity)");
                }
            }
        } catch (EOFException e) {
            throw problem.apply("is truncated");
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw problem.apply("not an ND4J array (" + e.getMessage() + ")");
        }
    }
}
