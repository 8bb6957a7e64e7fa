package io.distill4j.data.user.image;

import io.distill4j.data.DataException;
import io.distill4j.data.user.ClassNames;
import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Inspection;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;
import io.distill4j.data.user.UserFormat;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code data.format: images}: a folder with one sub-folder of images per class (the sub-folder's name is the class),
 * and optionally a test folder laid out the same way. Every image is decoded once into a temporary file of bytes at
 * the target size (so a large dataset never sits in memory as floats); the per-channel mean and standard deviation
 * are then counted over the training rows of that file alone, and the rows written normalised.
 */
public final class ImageFolderFormat implements UserFormat {
    public static final String NAME = "images";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Preprocessor prepare(UserDataSpec spec, SplitPlan plan, FeatureSink sink) throws IOException {
        if (spec.channels() != null) ImagePixels.checkChannels(spec.channels(), spec.train().toString());
        List<ImageFiles.Entry> train = ImageFiles.labelled(spec.train());
        List<String> classes = ClassNames.of(train.stream().map(ImageFiles.Entry::label).toList());
        Map<String, Integer> index = ClassNames.indexOf(classes);
        List<ImageFiles.Entry> test = spec.test() == null ? List.of() : ImageFiles.labelled(spec.test());
        for (ImageFiles.Entry e : test) {
            if (!index.containsKey(e.label())) {
                throw new DataException(e.file().getParent() + ": test class '" + e.label() + "' is not a class of the training folder "
                        + spec.train() + "; expected one of " + classes);
            }
        }
        int[] labels = train.stream().mapToInt(e -> index.get(e.label())).toArray();
        Part[] parts = plan.assign(labels, classes, spec.train().toString());
        List<ImageFiles.Entry> all = new ArrayList<>(train);
        all.addAll(test);
        int[] size = targetSize(spec, all);
        // unset channels: grey when every image is grey, as inspection suggests
        int channels = spec.channels() != null ? spec.channels()
                : all.stream().allMatch(e -> ImageDecoder.header(e.file()).grey()) ? 1 : 3;
        int h = size[0];
        int w = size[1];
        int rowBytes = channels * h * w;
        Path spill = Files.createTempFile("distill4j-images-", ".u8");
        try {
            // pass 1: decode every image once, into bytes at the target size
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spill), 1 << 16)) {
                decodeAll(all, h, w, channels, out);
            }
            // pass 2: the statistics of the training rows only (validation and test never inform the preprocessing)
            float[][] stats = trainStats(spill, rowBytes, h * w, channels, parts);
            ImagePreprocessor pre = new ImagePreprocessor(classes, h, w, channels, stats[0], stats[1]);
            // pass 3: the rows, normalised, in source order within each part
            sink.begin(rowBytes);
            float[] row = new float[rowBytes];
            byte[] bytes = new byte[rowBytes];
            try (InputStream in = new BufferedInputStream(Files.newInputStream(spill), 1 << 16)) {
                for (int i = 0; i < all.size(); i++) {
                    readRow(in, bytes, spill);
                    pre.normalise(bytes, row);
                    Part part = i < train.size() ? parts[i] : Part.TEST;
                    sink.add(part, row, index.get(all.get(i).label()));
                }
            }
            return pre;
        } finally {
            Files.deleteIfExists(spill);
        }
    }

    /**
     * Writes every image's bytes to {@code out} in file order, decoding a few at a time in parallel: each image is
     * decoded on its own, so its bytes do not depend on the threads, and the first refusal in file order is the one
     * reported.
     */
    private static void decodeAll(List<ImageFiles.Entry> all, int h, int w, int channels, OutputStream out) throws IOException {
        int chunk = 4 * Runtime.getRuntime().availableProcessors();
        for (int from = 0; from < all.size(); from += chunk) {
            Object[] decoded = all.subList(from, Math.min(all.size(), from + chunk)).parallelStream().map(e -> {
                try {
                    return (Object) ImagePixels.of(e.file(), h, w, channels);
                } catch (RuntimeException refused) {
                    return refused;
                }
            }).toArray();
            for (Object d : decoded) {
                if (d instanceof RuntimeException refused) throw refused;
                out.write((byte[]) d);
            }
        }
    }

    /** {@code data.height x data.width}, or when neither is set the size every image shares (else a refusal). */
    private static int[] targetSize(UserDataSpec spec, List<ImageFiles.Entry> all) {
        if (spec.height() != null && spec.width() != null) {
            if (spec.height() < 1 || spec.width() < 1) {
                throw new DataException(spec.train() + ": data.height and data.width must be positive, got " + spec.height() + "x" + spec.width());
            }
            return new int[]{spec.height(), spec.width()};
        }
        if (spec.height() != null || spec.width() != null) {
            throw new DataException(spec.train() + ": only one of data.height and data.width is set; set both (the size every image is resized to)");
        }
        ImageDecoder.Header first = null;
        Path firstFile = null;
        for (ImageFiles.Entry e : all) {
            ImageDecoder.Header hd = ImageDecoder.header(e.file());
            if (first == null) {
                first = hd;
                firstFile = e.file();
            } else if (hd.height() != first.height() || hd.width() != first.width()) {
                throw new DataException(e.file() + ": is " + hd.height() + "x" + hd.width() + " (height x width) but " + firstFile + " is "
                        + first.height() + "x" + first.width() + "; images of different sizes need data.height and data.width (the size to resize to)");
            }
        }
        return new int[]{first.height(), first.width()};
    }

    /** {mean, std} per channel in units of pixel / 255, counted exactly (integer sums) over the TRAIN rows. */
    private static float[][] trainStats(Path spill, int rowBytes, int plane, int channels, Part[] parts) throws IOException {
        long[] sum = new long[channels];
        long[] squares = new long[channels];
        long rows = 0;
        byte[] bytes = new byte[rowBytes];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(spill), 1 << 16)) {
            for (Part part : parts) {   // the training folder's rows come first in the spill, test rows after
                readRow(in, bytes, spill);
                if (part != Part.TRAIN) continue;
                rows++;
                for (int i = 0; i < rowBytes; i++) {
                    int v = bytes[i] & 0xff;
                    sum[i / plane] += v;
                    squares[i / plane] += v * v;
                }
            }
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        double n = (double) rows * plane;
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n;
            double variance = Math.max(0, squares[c] / n - m * m);
            mean[c] = (float) (m / 255);
            float s = (float) (Math.sqrt(variance) / 255);
            std[c] = s > 0 ? s : 1f;   // a constant channel: centred, never divided by zero
        }
        return new float[][]{mean, std};
    }

    private static void readRow(InputStream in, byte[] row, Path spill) throws IOException {
        if (in.readNBytes(row, 0, row.length) != row.length) throw new IOException(spill + ": temporary image file ended early");
    }

    @Override
    public Inspection inspect(Path path) {
        return ImageInspector.inspect(path);
    }
}
