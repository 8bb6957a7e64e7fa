package io.distill4j.data.user.image;

import io.distill4j.data.DataException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/**
 * Decodes one image file with {@code javax.imageio} into unsigned 8-bit channel planes. A decoder warning (a JPEG
 * cut short is otherwise filled with grey without an exception) is an error, as is a file no reader recognises.
 */
final class ImageDecoder {
    static {
        // no display is ever needed; set before anything touches AWT, unless the user chose otherwise
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        ImageIO.setUseCache(false);   // decode in memory: no temporary files per image
    }

    /**
     * The most pixels (height x width) an image file may declare: 2^26, a 8192 x 8192 photo. Checked from the header
     * before any pixel is decoded, so that a small file declaring a huge image (a decompression bomb, or a BMP whose
     * run-length data ends at once) is refused instead of filling the heap.
     */
    static final long MAX_PIXELS = 1L << 26;
    /** Pixels of an image read whole (BMP, GIF): 4096 x 4096, 64 MB as ARGB, a few of them decoded at once. */
    static final long MAX_WHOLE_PIXELS = 1L << 24;

    /** What a file's header says: its size, whether its colour model is grey, and its format name. */
    record Header(int height, int width, boolean grey, String format) {
    }

    /** Decoded pixels: {@code planes} (1 grey or 3 RGB) of {@code height x width} values in 0..255, plane-major. */
    record Planes(int height, int width, int count, int[] values) {
    }

    private ImageDecoder() {
    }

    /** Reads only the header (size, colour model, format), not the pixels. */
    static Header header(Path file) {
        return withReader(file, r -> {
            ImageTypeSpecifier type = r.getRawImageType(0);
            boolean grey = type != null && isGrey(type.getColorModel());
            return new Header(r.getHeight(0), r.getWidth(0), grey, r.getFormatName().toLowerCase(Locale.ROOT));
        });
    }

    /**
     * The image's pixels: one grey plane when its colour model is grey (the grey values themselves), else R, G and B.
     * A PNG or JPEG far larger than {@code targetHeight x targetWidth} is read subsampled ({@link #subsampling}), so
     * that a folder of camera photos does not need hundreds of megabytes per image (a pattern finer than the step can
     * alias; the resize filter smooths what is left).
     */
    static Planes decode(Path file, int targetHeight, int targetWidth) {
        BufferedImage img = withReader(file, r -> {
            javax.imageio.ImageReadParam param = r.getDefaultReadParam();
            // only where the readers still notice a truncated file while subsampling (the BMP reader does not)
            String format = r.getFormatName().toLowerCase(Locale.ROOT);
            boolean may = format.equals("jpeg") || format.equals("png");
            int s = may ? subsampling(r.getHeight(0), r.getWidth(0), targetHeight, targetWidth) : 1;
            // each kept pixel from the middle of its s x s block, so the image does not shift by half a block
            if (s > 1) param.setSourceSubsampling(s, s, s / 2, s / 2);
            return r.read(0, param);
        });
        int h = img.getHeight();
        int w = img.getWidth();
        ColorModel cm = img.getColorModel();
        if (isGrey(cm) && !(cm instanceof IndexColorModel)) {
            // the raster's samples, scaled to 8 bits: getRGB would pass grey through a colour conversion that changes it
            Raster raster = img.getRaster();
            int bits = cm.getComponentSize(0);
            int[] v = new int[h * w];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) v[y * w + x] = bits == 8 ? row[x] : scale(row[x], bits);
            }
            return new Planes(h, w, 1, v);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);   // alpha is dropped: only the colour channels are read
        int plane = h * w;
        int[] v = new int[3 * plane];
        for (int i = 0; i < plane; i++) {
            v[i] = (argb[i] >> 16) & 0xff;
            v[plane + i] = (argb[i] >> 8) & 0xff;
            v[2 * plane + i] = argb[i] & 0xff;
        }
        return new Planes(h, w, 3, v);
    }

    /**
     * Every how many pixels a large image is read: the largest step that still leaves at least twice the target
     * resolution on both sides (the resize filter then averages what is left), 1 for anything smaller. A function of
     * the sizes alone, so training and prediction read the same pixels.
     */
    static int subsampling(int height, int width, int targetHeight, int targetWidth) {
        return Math.max(1, Math.min(height / (2 * targetHeight), width / (2 * targetWidth)));
    }

    private static int scale(int sample, int bits) {
        return (int) Math.round(sample * 255.0 / ((1 << bits) - 1));
    }

    /** A grey colour space, or a palette whose every entry is grey (a greyscale GIF). */
    static boolean isGrey(ColorModel cm) {
        if (cm instanceof IndexColorModel icm) {
            for (int i = 0; i < icm.getMapSize(); i++) {
                if (icm.getRed(i) != icm.getGreen(i) || icm.getGreen(i) != icm.getBlue(i)) return false;
            }
            return true;
        }
        return cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    private interface ReaderCall<T> {
        T apply(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(Path file, ReaderCall<T> call) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new DataException(file + ": cannot be opened as an image");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataException(file + ": not a readable image (no decoder recognises its bytes); expected a PNG, JPEG, BMP or GIF file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getHeight(0) * reader.getWidth(0);
                String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
                // BMP and GIF are read whole (no subsampled read), a few at a time: a smaller bound keeps them within the heap
                boolean whole = format.equals("bmp") || format.equals("gif");
                long limit = whole ? MAX_WHOLE_PIXELS : MAX_PIXELS;
                if (pixels > limit) {
                    throw new DataException(file + ": declares " + reader.getHeight(0) + "x" + reader.getWidth(0) + " (height x width) pixels, more than the "
                            + limit + (whole ? " (2^24) a " + format.toUpperCase(java.util.Locale.ROOT) : " (2^26) an")
                            + " image may have here; scale it down first");
                }
                StringBuilder warning = new StringBuilder();
                reader.addIIOReadWarningListener((source, w) -> {
                    if (warning.isEmpty()) warning.append(w);
                });
                T out = call.apply(reader);
                if (!warning.isEmpty()) {
                    throw new DataException(file + ": damaged " + reader.getFormatName() + " image (" + oneLine(warning.toString())
                            + "); expected a complete image file");
                }
                if (out == null) throw new DataException(file + ": the decoder returned no image; expected a complete image file");
                return out;
            } finally {
                reader.dispose();
            }
        } catch (DataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO signals a truncated or corrupt file by IIOException, EOFException or, in some plugins, unchecked exceptions
            throw new DataException(file + ": cannot be decoded: corrupt, truncated or an unsupported variant (" + oneLine(describe(e))
                    + "); expected a complete PNG, JPEG (RGB or grey), BMP or GIF file", e);
        }
    }

    private static String describe(Throwable e) {
        // a user reads words, not Java class names: an EOFException without a message is "the file ends too soon"
        String what = e.getMessage() != null ? e.getMessage() : e instanceof java.io.EOFException ? "the file ends too soon"
                : e.getClass().getSimpleName().replaceAll("(Exception|Error)$", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        StringBuilder b = new StringBuilder(what);
        if (e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null) b.append(": ").append(e.getCause().getMessage());
        return b.toString();
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }
}
