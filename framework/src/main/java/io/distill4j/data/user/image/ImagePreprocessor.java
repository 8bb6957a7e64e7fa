package io.distill4j.data.user.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.data.DataException;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.RawExample;
import io.distill4j.data.InputShape;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How image files become rows: decoded, converted to the trained channels, resized to the trained size
 * ({@link ImagePixels}), then each channel's values {@code (pixel / 255 - mean) / std} with the mean and standard
 * deviation of the training split. The same code writes the training cache and reads files for prediction.
 */
public final class ImagePreprocessor implements Preprocessor {
    public static final String KIND = "image";

    private final List<String> classes;
    private final int height;
    private final int width;
    private final int channels;
    private final float[] mean;
    private final float[] std;

    /** {@code mean} and {@code std} per channel, in units of pixel / 255; a std of 0 is refused (the format replaces it by 1). */
    public ImagePreprocessor(List<String> classes, int height, int width, int channels, float[] mean, float[] std) {
        if (height < 1 || width < 1) throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        if (mean.length != channels || std.length != channels) throw new IllegalArgumentException("one mean and std per channel expected");
        for (float s : std) if (!(s > 0) || Float.isInfinite(s)) throw new IllegalArgumentException("std must be positive and finite, got " + s);
        this.classes = List.copyOf(classes);
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * The built-in image datasets' preprocessing ({@code (b & 0xff) / 255f}, as {@code IdxReader} computes it): mean 0
     * and std 1 leave {@code pixel / 255f} unchanged bit for bit, so a built-in student classifies image files too.
     */
    public static ImagePreprocessor builtIn(List<String> classes, int height, int width, int channels) {
        return new ImagePreprocessor(classes, height, width, channels, new float[channels], filled(channels, 1f));
    }

    /** The MNIST-shaped built-in preprocessing: 28 x 28 grey. */
    public static ImagePreprocessor mnist(List<String> classes) {
        return builtIn(classes, 28, 28, 1);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public InputShape shape() {
        return InputShape.image(height, width, channels);
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    @Override
    public Map<String, byte[]> entries() {
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("version", FORMAT_VERSION);
        json.put("kind", KIND);
        ArrayNode names = json.putArray("classes");
        classes.forEach(names::add);
        json.put("height", height);
        json.put("width", width);
        json.put("channels", channels);
        // written as the doubles equal to the floats: a double reads back exactly, a float's shortest decimal might not
        ArrayNode m = json.putArray("mean");
        ArrayNode s = json.putArray("std");
        for (int c = 0; c < channels; c++) {
            m.add((double) mean[c]);
            s.add((double) std[c]);
        }
        json.put("resize", Resize.METHOD);
        try {
            return Map.of(ENTRY, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json).getBytes(StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@link io.distill4j.data.user.Preprocessors} reader of kind {@value #KIND}. */
    public static ImagePreprocessor read(JsonNode json, Map<String, byte[]> entries, String source) {
        String where = source + ": entry " + ENTRY;
        if (!Resize.METHOD.equals(json.path("resize").asText(null))) {
            throw new DataException(where + " has resize " + json.path("resize") + "; this Distill4J resizes with \"" + Resize.METHOD + "\"");
        }
        int h = positive(json, "height", where);
        int w = positive(json, "width", where);
        int c = positive(json, "channels", where);
        if ((long) h * w > ImageDecoder.MAX_PIXELS) {
            throw new DataException(where + " has height x width " + h + "x" + w + "; at most " + ImageDecoder.MAX_PIXELS + " (2^26) pixels are read");
        }
        if (c != 1 && c != 3) throw new DataException(where + " has channels " + c + "; expected 1 or 3");
        JsonNode names = json.path("classes");
        if (!names.isArray() || names.isEmpty()) throw new DataException(where + " has no classes; expected an array of class names");
        List<String> classes = new ArrayList<>();
        for (JsonNode n : names) {
            if (!n.isTextual()) throw new DataException(where + " has class name " + n + "; expected strings");
            classes.add(n.asText());
        }
        float[] mean = floats(json, "mean", c, where);
        float[] std = floats(json, "std", c, where);
        for (float v : std) if (!(v > 0) || Float.isInfinite(v)) throw new DataException(where + " has std " + v + "; expected positive values");
        return new ImagePreprocessor(classes, h, w, c, mean, std);
    }

    private static int positive(JsonNode json, String field, String where) {
        JsonNode n = json.path(field);
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) throw new DataException(where + " has " + field + " " + n + "; expected a positive integer");
        return n.asInt();
    }

    private static float[] floats(JsonNode json, String field, int count, String where) {
        JsonNode n = json.path(field);
        if (!n.isArray() || n.size() != count) throw new DataException(where + " has " + field + " " + n + "; expected " + count + " number(s), one per channel");
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            if (!n.get(i).isNumber()) throw new DataException(where + " has " + field + " " + n + "; expected numbers");
            out[i] = (float) n.get(i).doubleValue();
            if (!Float.isFinite(out[i])) throw new DataException(where + " has " + field + " " + n + "; expected finite numbers");
        }
        return out;
    }

    /** The feature row of one image file. */
    public float[] row(Path file) {
        float[] out = new float[channels * height * width];
        normalise(ImagePixels.of(file, height, width, channels), out);
        return out;
    }

    /** {@code pixels} (channel-major bytes at this size) into {@code out}: the one formula of training and prediction. */
    void normalise(byte[] pixels, float[] out) {
        normalise(pixels, height * width, mean, std, out);
    }

    static void normalise(byte[] pixels, int plane, float[] mean, float[] std, float[] out) {
        for (int i = 0; i < pixels.length; i++) {
            int c = i / plane;
            out[i] = ((pixels[i] & 0xff) / 255f - mean[c]) / std[c];
        }
    }

    /**
     * Reads one image file (id: its name), a folder of images (id: the file name) or a folder of class folders (id:
     * {@code class/file}, label: the class folder's name), files sorted by name.
     */
    @Override
    public void read(Path input, Consumer<RawExample> out) {
        if (Files.isRegularFile(input)) {
            if (!ImageFiles.isImage(input)) throw new DataException(input + ": not an image file; expected one of " + ImageFiles.extensions());
            out.accept(new RawExample(input.getFileName().toString(), row(input), null));
            return;
        }
        if (!Files.isDirectory(input)) throw new DataException(input + ": no such image file or folder");
        boolean classFolders = ImageFiles.children(input).stream().anyMatch(Files::isDirectory);
        if (classFolders) {
            for (ImageFiles.Entry e : ImageFiles.labelled(input)) {
                out.accept(new RawExample(id(input, e.file()), row(e.file()), e.label()));
            }
        } else {
            for (Path f : ImageFiles.images(input)) out.accept(new RawExample(id(input, f), row(f), null));
        }
    }

    /** The path below the folder read, with '/' on every platform. */
    private static String id(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
