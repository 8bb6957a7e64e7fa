package io.distill4j.data.user.image;

import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Part;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;

/** Tiny image files for the tests, written with ImageIO, and a sink that records what a format writes. */
final class Images {
    private Images() {
    }

    /** An RGB image whose pixel (x, y) is {@code rgb.applyAsInt(x, y)} (0xRRGGBB), written as {@code format}. */
    static Path rgb(Path file, int h, int w, IntBinaryOperator rgb, String format) {
        // GIF holds a palette: the default 6x6x6 colour cube of an indexed image, rather than the writer's own quantising
        BufferedImage img = new BufferedImage(w, h, format.equals("gif") ? BufferedImage.TYPE_BYTE_INDEXED : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb.applyAsInt(x, y));
        return write(img, file, format);
    }

    /** A grey image whose pixel (x, y) is {@code grey.applyAsInt(x, y)} (0..255), as {@code format}. */
    static Path grey(Path file, int h, int w, IntBinaryOperator grey, String format) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, grey.applyAsInt(x, y));
        return write(img, file, format);
    }

    /** A constant grey PNG of value {@code v}. */
    static Path flat(Path file, int side, int v) {
        return grey(file, side, side, (x, y) -> v, "png");
    }

    static Path write(BufferedImage img, Path file, String format) {
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, format, file.toFile())) throw new IllegalStateException("no ImageIO writer for " + format);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a format wrote, in the order it wrote it. */
    static final class Sink implements FeatureSink {
        int width = -1;
        final List<Part> parts = new ArrayList<>();
        final List<float[]> rows = new ArrayList<>();
        final List<Integer> labels = new ArrayList<>();

        @Override
        public void begin(int width) {
            if (this.width >= 0) throw new IllegalStateException("begin twice");
            this.width = width;
        }

        @Override
        public void add(Part part, float[] row, int label) {
            if (row.length != width) throw new IllegalStateException("row of " + row.length + ", begun with " + width);
            parts.add(part);
            rows.add(row.clone());
            labels.add(label);
        }
    }
}
